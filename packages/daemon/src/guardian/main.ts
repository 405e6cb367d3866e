// hbd's guardian once hbd is gone (dist/guardian/main.js). While hbd lives the guardian is the sh
// sentinel bin/hbd-guardian, blocked on a pipe only hbd holds; when that pipe reads end-of-file
// (hbd exited or was killed, SIGKILL included) and hbd's state file is still there (no clean
// shutdown), the sentinel execs Node.js on this file, same pid:
//
//   node [flags] main.js --hbd-gone STATE_FILE --state-fd 3 --hbd-pid PID --pid-file PID_FILE --gone-at UPTIME
//
// It replays the state file (the protocol's NDJSON lines, written by guardian-link.ts) into the
// Guardian and stops what hbd held (guardian.ts), logging to hbd's log destinations; the time
// Node.js took to start is logged and counted in "after hbd was found gone".
//
// The Node.js guardian used to check every 250 ms that hbd was still its parent, as a second way to
// notice (a leaked copy of hbd's end of the pipe would hide the end-of-file). The sentinel dropped
// it: a timer would wake it for ever, and hbd spawns only with close-on-exec descriptors (libuv),
// so nothing can hold a copy of its end.
//
// SIGTERM, SIGINT and SIGHUP are ignored (Node.js resets the sentinel's ignored signals at start,
// so the handlers are installed first): under a service manager or a terminal they are meant for
// hbd, and the guardian's job must not be cut short.

import { setPriority } from 'node:os';
import { readFileSync, unlinkSync } from 'node:fs';
import { runResourceOp } from '@hbd/executor';
import { Guardian, type GuardianLog } from './guardian';
import { createGuardianLog, type ClosableGuardianLog } from './guardian-log';
import { decodeToGuardian } from './protocol';

const ignoredSignals: string[] = [];
let log = null as ClosableGuardianLog | null; // set from the replayed settings
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (log === null) ignoredSignals.push(signal);
    else log.log('notice', `guardian: ${signal} ignored (it is for hbd; the guardian exits when its job is done)`);
  });
}
process.title = 'hbd-guardian';
process.stdout.on('error', () => undefined); // hbd's end is closed

/** Seconds since boot, as the sentinel read them (10 ms steps). */
function uptimeSeconds(): number | null {
  try {
    const value = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

function usage(): never {
  process.stderr.write('hbd guardian: this is what bin/hbd-guardian runs once hbd is gone (--hbd-gone STATE_FILE); hbd starts the guardian itself\n');
  process.exit(64);
}

const stateFile = option('--hbd-gone') ?? usage();
const goneAt = Number(option('--gone-at') ?? NaN);
const nowUptime = uptimeSeconds();
/** How long Node.js took from the sentinel's end-of-file to here. */
const startupMs = option('--gone-at') !== '' && Number.isFinite(goneAt) && nowUptime !== null ? Math.max(0, Math.round((nowUptime - goneAt) * 1000)) : null;
const goneAtMs = performance.now() - (startupMs ?? 0);
const spawnedBy = Number(option('--hbd-pid'));
const pidFile = option('--pid-file');

// Scheduled like hbd (nice -10 under the unit) or better; the sentinel already set oom_score_adj.
try {
  setPriority(-10);
} catch {
  // not permitted: keep the inherited priority
}

function removeOwnPidFile(path: string | undefined): void {
  if (path === undefined || path === '') return;
  try {
    if (Number(readFileSync(path, 'utf8').trim()) === process.pid) unlinkSync(path);
  } catch {
    // not there (hbd removed it, or never wrote it)
  }
}

// Through the descriptor the sentinel opened at end-of-file, when it passed one: the file (or the
// run dir) may have been removed since (systemd removes a RuntimeDirectory when the unit stops).
const stateFd = Number(option('--state-fd') ?? NaN);
let stateText: string;
try {
  stateText = readFileSync(Number.isSafeInteger(stateFd) && stateFd >= 0 ? stateFd : stateFile, 'utf8');
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  removeOwnPidFile(pidFile);
  if (code === 'ENOENT') process.exit(0); // removed since the sentinel looked: a clean shutdown
  process.stderr.write(`hbd guardian: cannot read ${stateFile} (${(error as Error).message}): it cannot know what hbd held; nothing stopped\n`);
  process.exit(70);
}

const guardian = new Guardian({
  runOp: (request) => runResourceOp(request),
  killProcessGroup(pgid) {
    try {
      process.kill(-pgid, 'SIGKILL');
      return true;
    } catch {
      return false;
    }
  },
  nowMs: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  onSettings(settings) {
    log = createGuardianLog({ node: settings.node, pid: process.pid, logging: settings.logging, stderr: settings.stderr, underSystemd: settings.underSystemd });
  },
  log: (): GuardianLog | null => log,
});

const badLines: string[] = [];
for (const line of stateText.split('\n')) {
  if (line.trim() === '') continue;
  const message = decodeToGuardian(line);
  if (message === null) badLines.push(line);
  else guardian.receive(message);
}

async function run(): Promise<number> {
  for (const signal of ignoredSignals) log?.log('notice', `guardian: ${signal} ignored (it is for hbd; the guardian exits when its job is done)`);
  for (const line of badLines) log?.log('error', `guardian: ignoring a line of ${stateFile} it does not understand: ${line.slice(0, 120)}`);
  const settings = guardian.configured;
  if (settings !== null && Number.isSafeInteger(spawnedBy) && spawnedBy > 0 && settings.hbdPid !== spawnedBy) {
    // A newer hbd (which did not wait for this guardian) rewrote the file: its groups are not ours.
    log?.log('warning', `guardian: ${stateFile} is now of hbd pid ${settings.hbdPid}, not of hbd pid ${spawnedBy} that started this guardian: touching nothing (the new hbd's start-up probe finds what was left)`);
    return 0;
  }
  log?.log('info', `guardian: hbd's end of the pipe closed without a clean shutdown; Node.js started in ${startupMs === null ? 'an unknown time' : `${startupMs} ms`} (the guardian waits as a small sh process)`);
  const code = (await guardian.hbdGone(goneAtMs)).exitCode;
  // The state file is done with, unless a newer hbd has written its own meanwhile.
  try {
    if (readFileSync(stateFile, 'utf8') === stateText) unlinkSync(stateFile);
  } catch {
    // gone already
  }
  return code;
}

void (async () => {
  let code: number;
  try {
    code = await run();
  } catch (error) {
    log?.log('crit', `guardian: internal error while stopping what hbd held: ${(error as Error).stack ?? String(error)}`);
    code = 70;
  }
  removeOwnPidFile(pidFile ?? guardian.configured?.pidFile);
  await log?.close();
  process.exit(code);
})();
