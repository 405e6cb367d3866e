// The control socket's place in the run dir: created root:haclient 0660 (as Heartbeat's apiauth
// used the haclient gid), a pid file beside it, and a stale socket reclaimed only when it is
// really stale: nothing answers a connect on it AND the pid in the pid file is not running
// (rushd's DaemonReclaim). A live daemon is never disturbed.

import { chmodSync, chownSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

export const SOCKET_NAME = 'hbd.sock';
export const PID_FILE_NAME = 'hbd.pid';

export function controlSocketPath(runDir: string): string {
  return join(runDir, SOCKET_NAME);
}

export function pidFilePath(runDir: string): string {
  return join(runDir, PID_FILE_NAME);
}

/** The gid of group `haclient` from /etc/group, or null when it does not exist. */
export function haclientGid(groupFile = '/etc/group'): number | null {
  try {
    for (const line of readFileSync(groupFile, 'utf8').split('\n')) {
      const [name, , gid] = line.split(':');
      if (name === 'haclient' && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
    }
  } catch {
    return null;
  }
  return null;
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

export function readPidFile(runDir: string): number | null {
  try {
    const value = Number(readFileSync(pidFilePath(runDir), 'utf8').trim());
    return Number.isSafeInteger(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}

/** Resolves true when something accepts a connection on `path` within `timeoutMs`. */
export function socketAnswers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(path);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

export class AlreadyRunningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlreadyRunningError';
  }
}

/**
 * Makes `runDir` ready for our socket. Throws AlreadyRunningError when another hbd owns it.
 * Returns a note for the log when a stale socket was removed.
 */
export async function prepareRunDir(runDir: string): Promise<string | null> {
  mkdirSync(runDir, { recursive: true, mode: 0o750 });
  const path = controlSocketPath(runDir);
  let exists = true;
  try {
    statSync(path);
  } catch {
    exists = false;
  }
  const pid = readPidFile(runDir);
  if (!exists) return null;
  if (await socketAnswers(path)) {
    throw new AlreadyRunningError(`hbd is already running${pid === null ? '' : ` (pid ${pid})`}: ${path} answers`);
  }
  if (pid !== null && pid !== process.pid && isProcessAlive(pid)) {
    throw new AlreadyRunningError(
      `${path} does not answer, but pid ${pid} from ${pidFilePath(runDir)} is still running: not removing its socket; ` +
        `stop that process (or remove the files if pid ${pid} is not hbd)`,
    );
  }
  unlinkSync(path);
  return `removed stale control socket ${path}${pid === null ? '' : ` left by pid ${pid}`}`;
}

/**
 * The run dir must let group haclient through to the socket: 0750 root:haclient (when the dir is
 * ours and the group exists). Returns a note for the log when that was not possible.
 */
export function secureRunDir(runDir: string, gid: number | null): string | null {
  if (gid === null) return null;
  try {
    const stat = statSync(runDir);
    if (stat.uid !== (process.getuid?.() ?? 0)) return null; // not ours: leave it as the admin made it
    if (stat.gid !== gid) chownSync(runDir, stat.uid, gid);
    chmodSync(runDir, 0o750);
    return null;
  } catch (error) {
    return `cannot give ${runDir} to group haclient: ${(error as Error).message}; members of haclient may not reach the control socket`;
  }
}

/** After listen: 0660, group haclient when it exists (needs root; otherwise the owner's group). */
export function secureSocket(path: string, gid: number | null): string | null {
  chmodSync(path, 0o660);
  if (gid === null) return 'group haclient does not exist: only root can use the control socket';
  try {
    chownSync(path, process.getuid?.() ?? 0, gid);
    return null;
  } catch (error) {
    return `cannot give ${path} to group haclient: ${(error as Error).message}`;
  }
}

export function writePidFile(runDir: string): void {
  writeFileSync(pidFilePath(runDir), `${process.pid}\n`, { mode: 0o644 });
}

/** Removes our socket and pid file, only if the pid file is still ours. */
export function removeRunFiles(runDir: string): void {
  if (readPidFile(runDir) !== process.pid) return;
  for (const path of [controlSocketPath(runDir), pidFilePath(runDir)]) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
}
