// hbd's side of the guardian: starts it (its own session, so signals meant for hbd's process
// group or terminal do not reach it), keeps what it must know in a state file, restarts it when it
// dies (CRIT: until it runs again, a crash of hbd would leave the resources running), and on a
// clean shutdown removes the state file so the guardian exits without touching anything.
//
// The guardian idles as a POSIX sh sentinel (bin/hbd-guardian, ~1 MB) blocked reading a pipe whose
// other end only hbd holds; Node.js (dist/guardian/main.js) starts only when hbd is gone without a
// clean shutdown. So everything it must know is in <run dir>/hbd-guardian.state, the protocol's
// NDJSON lines (init, held, op, opPid), rewritten atomically (temp file + rename, synchronously)
// on every change before the change takes effect: an operation is recorded before its agent is
// spawned. No fsync: it only has to survive hbd's death, not the machine's.
//
// A pid file (<run dir>/hbd-guardian.pid) lets the next hbd wait for a guardian that is still
// stopping what a crashed hbd held before it probes the resources itself.

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Log } from '../logger';
import { seconds } from '../format';
import { decodeFromGuardian, encodeMessage, lineSplitter, type GuardianSettings } from './protocol';

/** dist/guardian/main.js (what the sentinel execs when hbd is gone), from src/ (tests) and from dist/ alike. */
export const GUARDIAN_SCRIPT = resolve(__dirname, '../../dist/guardian/main.js');
/** The sh sentinel (packages/daemon/bin/hbd-guardian), from src/ and dist/ alike. */
export const GUARDIAN_SENTINEL = resolve(__dirname, '../../bin/hbd-guardian');
export const GUARDIAN_PID_FILE = 'hbd-guardian.pid';
export const GUARDIAN_STATE_FILE = 'hbd-guardian.state';
/** Small heap, no helper threads: the guardian only waits, then runs a few agents. */
export const GUARDIAN_NODE_FLAGS = ['--max-old-space-size=32', '--max-semi-space-size=1', '--v8-pool-size=0'];

const READY_TIMEOUT_MS = 10_000;
const RESTART_WINDOW_MS = 60_000;
const RESTARTS_PER_WINDOW = 5;

export interface GuardianLinkOptions {
  /** What the sentinel execs when hbd is gone (default GUARDIAN_SCRIPT). */
  readonly script?: string;
  /** The sentinel (default GUARDIAN_SENTINEL). */
  readonly sentinel?: string;
  readonly runDir: string;
  readonly log: Log;
  /** Where the guardian's stderr goes: hbd's own (foreground) or nowhere. */
  readonly inheritStderr: boolean;
  readonly settings: GuardianSettings;
}

export interface GuardianLink {
  /** Writes the state file and resolves once the guardian reported ready (true), or could not be started (false, logged CRIT; retried in the background). */
  start(): Promise<boolean>;
  readonly pid: number | null;
  /** Each of these rewrites the state file (synchronously) before returning. */
  configure(settings: GuardianSettings): void;
  held(groups: readonly string[]): void;
  /** Call before the agent is spawned. */
  opStarted(id: number, group: string, token: string, action: string): void;
  opPid(id: number, pid: number): void;
  opDone(id: number): void;
  /**
   * hbd stops. `clean`: every group was stopped or handed over and peers were told: the state file
   * is removed and the guardian exits quietly. Otherwise the guardian stops what is held now, as
   * for a crash.
   */
  close(clean: boolean): Promise<void>;
}

export function guardianPidFile(runDir: string): string {
  return join(runDir, GUARDIAN_PID_FILE);
}

export function guardianStateFile(runDir: string): string {
  return join(runDir, GUARDIAN_STATE_FILE);
}

/** Executable: run it directly (`ps` then shows hbd-guardian); else through /bin/sh. */
function sentinelCommand(sentinel: string): { file: string; args: string[] } {
  try {
    accessSync(sentinel, constants.X_OK);
    return { file: sentinel, args: [] };
  } catch {
    return { file: '/bin/sh', args: [sentinel] };
  }
}

export function createGuardianLink(options: GuardianLinkOptions): GuardianLink {
  const { log } = options;
  const script = options.script ?? GUARDIAN_SCRIPT;
  const sentinel = sentinelCommand(options.sentinel ?? GUARDIAN_SENTINEL);
  const pidFile = guardianPidFile(options.runDir);
  const stateFile = guardianStateFile(options.runDir);
  const stateTemp = `${stateFile}.tmp`;
  const withPidFile = (next: GuardianSettings): GuardianSettings => ({ ...next, pidFile });
  let settings = withPidFile(options.settings);
  let held: readonly string[] = [];
  const ops = new Map<number, { group: string; token: string; action: string; pid: number | null }>();
  let child: ChildProcess | null = null;
  let readyPid: number | null = null;
  let closing = false;
  let restartTimer: NodeJS.Timeout | null = null;
  const restarts: number[] = [];
  let initLine = encodeMessage({ t: 'init', settings });
  let stateBroken = false;

  /** Everything the guardian must know, written before the change it records takes effect. */
  const writeState = (): void => {
    if (closing) return;
    let text = initLine + encodeMessage({ t: 'held', groups: held });
    for (const [id, op] of ops) {
      text += encodeMessage({ t: 'op', id, group: op.group, token: op.token, action: op.action });
      if (op.pid !== null) text += encodeMessage({ t: 'opPid', id, pid: op.pid });
    }
    try {
      writeFileSync(stateTemp, text, { mode: 0o600 });
      renameSync(stateTemp, stateFile);
      if (stateBroken) log.log('notice', `${stateFile} is written again: the guardian knows what this node holds`);
      stateBroken = false;
    } catch (error) {
      if (!stateBroken) {
        log.log('crit', `cannot write ${stateFile} (${(error as Error).message}): if hbd died now, its guardian would not know what to stop`);
      }
      stateBroken = true;
    }
  };

  const removeState = (): void => {
    try {
      unlinkSync(stateFile);
    } catch {
      // never written
    }
  };

  const removePidFile = (pid: number): void => {
    try {
      if (Number(readFileSync(pidFile, 'utf8').trim()) === pid) unlinkSync(pidFile);
    } catch {
      // not there
    }
  };

  function spawnGuardian(): Promise<boolean> {
    return new Promise((done) => {
      let settled = false;
      const settle = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(readyTimer);
        done(ok);
      };
      writeState(); // before it starts: a new (or restarted) guardian reads it when hbd is gone
      const guardian = spawn(sentinel.file, [...sentinel.args, stateFile, pidFile, process.execPath, script, ...GUARDIAN_NODE_FLAGS], {
        detached: true,
        stdio: ['pipe', 'pipe', options.inheritStderr ? 'inherit' : 'ignore'],
        cwd: '/',
      });
      child = guardian;
      readyPid = null;
      guardian.stdin?.on('error', () => undefined); // it died: 'exit' reports it
      const readyTimer = setTimeout(() => {
        log.log('crit', `guardian (pid ${String(guardian.pid)}) did not report ready within ${seconds(READY_TIMEOUT_MS)}; killing it`);
        guardian.kill('SIGKILL');
        settle(false);
      }, READY_TIMEOUT_MS);
      guardian.stdout?.setEncoding('utf8');
      guardian.stdout?.on(
        'data',
        lineSplitter(
          (line) => {
            const message = decodeFromGuardian(line);
            if (message?.t !== 'ready' || guardian !== child) return;
            readyPid = message.pid;
            try {
              writeFileSync(pidFile, `${message.pid}\n`, { mode: 0o644 });
            } catch (error) {
              log.log('warning', `cannot write ${pidFile}: ${(error as Error).message}`);
            }
            log.log('info', `guardian started (pid ${message.pid}): if hbd dies without stopping its groups, it stops them`);
            settle(true);
          },
          () => undefined,
        ),
      );
      guardian.on('error', (error) => {
        log.log('crit', `cannot start the guardian (${[sentinel.file, ...sentinel.args].join(' ')}): ${error.message}`);
        settle(false);
      });
      guardian.on('exit', (code, signal) => {
        removePidFile(guardian.pid ?? -1);
        settle(false);
        if (guardian !== child) return;
        child = null;
        readyPid = null;
        if (closing) return;
        log.log(
          'crit',
          `guardian (pid ${String(guardian.pid)}) exited (${signal === null ? `status ${String(code)}` : signal}): ` +
            'if hbd died now, its resources would keep running while a peer takes over; restarting it',
        );
        scheduleRestart();
      });
      // Never keep hbd alive just for the guardian.
      guardian.unref();
      (guardian.stdin as unknown as { unref?: () => void } | null)?.unref?.();
      (guardian.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    });
  }

  function scheduleRestart(): void {
    if (closing || restartTimer !== null) return;
    const nowMs = Date.now();
    while (restarts.length > 0 && nowMs - restarts[0]! > RESTART_WINDOW_MS) restarts.shift();
    const delayMs = restarts.length >= RESTARTS_PER_WINDOW ? RESTART_WINDOW_MS : 0;
    if (delayMs > 0) log.log('crit', `the guardian died ${restarts.length} times within ${seconds(RESTART_WINDOW_MS)}; next attempt in ${seconds(delayMs)}`);
    restartTimer = setTimeout(() => {
      restartTimer = null;
      if (closing) return;
      restarts.push(Date.now());
      void spawnGuardian().then((ok) => {
        if (!ok && child === null) scheduleRestart();
      });
    }, delayMs);
    restartTimer.unref();
  }

  return {
    async start() {
      restarts.push(Date.now());
      const ok = await spawnGuardian();
      if (!ok) {
        log.log('crit', 'the guardian is not running: if hbd dies, its resources keep running while a peer takes over; retrying');
        if (child === null) scheduleRestart();
      }
      return ok;
    },
    get pid() {
      return readyPid;
    },
    configure(next) {
      settings = withPidFile(next);
      initLine = encodeMessage({ t: 'init', settings });
      writeState();
    },
    held(groups) {
      const sorted = [...groups].sort();
      if (sorted.join('\n') === held.join('\n')) return;
      held = sorted;
      writeState();
    },
    opStarted(id, group, token, action) {
      ops.set(id, { group, token, action, pid: null });
      writeState();
    },
    opPid(id, pid) {
      const op = ops.get(id);
      if (op === undefined) return;
      op.pid = pid;
      writeState();
    },
    opDone(id) {
      if (!ops.delete(id)) return;
      writeState();
    },
    async close(clean) {
      closing = true;
      if (restartTimer !== null) clearTimeout(restartTimer);
      restartTimer = null;
      // Clean: no state file is the goodbye (removed before the pipe closes). Otherwise it stays,
      // and the guardian stops what is held now, as after a crash.
      if (clean) removeState();
      const guardian = child;
      if (guardian === null || guardian.exitCode !== null || guardian.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => guardian.once('exit', () => resolve()));
      guardian.stdin?.end();
      if (!clean) return; // it now stops what is held, on its own time; hbd does not wait
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
    },
  };
}

/**
 * A guardian left by a previous hbd may still be stopping what that hbd held: wait for it (bounded)
 * before the engine probes the resources, so the probe does not find them half-stopped.
 */
export async function waitForPreviousGuardian(runDir: string, budgetMs: number, log: Log): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(guardianPidFile(runDir), 'utf8').trim());
  } catch {
    return;
  }
  const isGuardian = (): boolean => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('guardian');
    } catch {
      return false;
    }
  };
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || !isGuardian()) return;
  log.log('notice', `the guardian of a previous hbd (pid ${pid}) is still running (stopping what that hbd held?): waiting up to ${seconds(budgetMs)} for it`);
  const startedAt = Date.now();
  while (Date.now() - startedAt < budgetMs) {
    if (!isGuardian()) {
      log.log('info', `the previous guardian (pid ${pid}) finished after ${seconds(Date.now() - startedAt)}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log.log('crit', `the previous guardian (pid ${pid}) is still running after ${seconds(budgetMs)}; starting anyway (the start-up probe stops what is left)`);
}
