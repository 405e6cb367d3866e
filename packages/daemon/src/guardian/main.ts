// hbd's guardian process (dist/guardian/main.js), started by hbd with its stdin and stdout on a
// socket pair to hbd. hbd's end is close-on-exec, so only hbd holds it: when hbd exits or is
// killed (even with SIGKILL), the kernel closes it and the guardian reads end-of-file at once.
// Without the clean-shutdown message first, the guardian stops what hbd held (guardian.ts).
//
// As a second way to notice, it checks every 250 ms that hbd is still its parent (a leaked copy of
// hbd's end would otherwise hide the end-of-file). SIGTERM, SIGINT and SIGHUP are ignored: under a
// service manager or a terminal they are meant for hbd, and the guardian's job must not be cut short.

import { setPriority } from 'node:os';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { runResourceOp } from '@hbd/executor';
import { Guardian, type GuardianLog } from './guardian';
import { createGuardianLog, type ClosableGuardianLog } from './guardian-log';
import { decodeToGuardian, encodeMessage, lineSplitter } from './protocol';

const PARENT_CHECK_MS = 250;

let log: ClosableGuardianLog | null = null;
let finishing = false;

process.title = 'hbd-guardian';

// Last to be chosen by the OOM killer (it may be what killed hbd), and scheduled like hbd (nice -10
// under the unit) or better. Both need privileges; without them the defaults stay.
try {
  writeFileSync('/proc/self/oom_score_adj', '-900');
} catch {
  // not root: keep the default
}
try {
  setPriority(-10);
} catch {
  // not permitted: keep the inherited priority
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
    const first = log === null;
    log = createGuardianLog({ node: settings.node, pid: process.pid, logging: settings.logging, stderr: settings.stderr, underSystemd: settings.underSystemd });
    if (first) process.stdout.write(encodeMessage({ t: 'ready', pid: process.pid }));
  },
  log: (): GuardianLog | null => log,
});

function removeOwnPidFile(path: string | undefined): void {
  if (path === undefined) return;
  try {
    if (Number(readFileSync(path, 'utf8').trim()) === process.pid) unlinkSync(path);
  } catch {
    // not there (hbd removed it, or never wrote it)
  }
}

async function finish(why: string): Promise<void> {
  if (finishing) return;
  finishing = true;
  clearInterval(parentCheck);
  log?.debug(1, `guardian: ${why}`);
  let code: number;
  try {
    code = (await guardian.hbdGone()).exitCode;
  } catch (error) {
    log?.log('crit', `guardian: internal error while stopping what hbd held: ${(error as Error).stack ?? String(error)}`);
    code = 70;
  }
  removeOwnPidFile(guardian.configured?.pidFile);
  await log?.close();
  process.exit(code);
}

const feed = lineSplitter(
  (line) => {
    const message = decodeToGuardian(line);
    if (message === null) log?.log('error', `guardian: ignoring a message from hbd it does not understand: ${line.slice(0, 120)}`);
    else guardian.receive(message);
  },
  () => log?.log('error', 'guardian: ignoring an overlong message from hbd'),
);

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => feed(chunk));
process.stdin.on('end', () => void finish('end of file from hbd'));
process.stdin.on('close', () => void finish('hbd closed the pipe'));
process.stdin.on('error', (error) => void finish(`pipe from hbd failed: ${error.message}`));
process.stdout.on('error', () => undefined); // hbd gone: the end-of-file on stdin says so

const parentCheck = setInterval(() => {
  const expected = guardian.configured?.hbdPid;
  if (expected !== undefined && process.ppid !== expected) void finish(`hbd (pid ${expected}) is no longer its parent (now pid ${process.ppid})`);
}, PARENT_CHECK_MS);

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(signal, () => log?.log('notice', `guardian: ${signal} ignored (it is for hbd; the guardian exits when hbd does)`));
}
