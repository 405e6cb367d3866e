// Runs one STONITH plugin operation as a child process: its own process group (a timed-out
// plugin is killed with everything it started), a hard time limit, stdout kept for the
// operations that answer on it (gethosts, getconfignames), and a bounded tail of stdout+stderr
// for the log. Never rejects.

import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { OutputTail, agentEnvironment } from '@hbd/executor';

export interface PluginRun {
  /** Exit code, or null when killed by a signal, timed out or not started. */
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  /** Why it could not be started (ENOENT, EACCES, …), else null. */
  readonly startError: string | null;
  /** What it printed on stdout (first 64 KiB). */
  readonly stdout: string;
  /** The last lines of stdout and stderr together, for the log. */
  readonly outputTail: string;
  readonly durationMs: number;
}

export interface RunPluginOptions {
  readonly timeoutMs: number;
  /** Variables added to a minimal environment (the device parameters). */
  readonly env: Readonly<Record<string, string>>;
  /** After SIGTERM, how long before SIGKILL. */
  readonly killGraceMs?: number;
}

const STDOUT_MAX = 64 * 1024;
// /usr/share/cluster-glue: ha_log.sh, which cluster-glue's own plugins call to log.
export const PLUGIN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/share/cluster-glue';


export function runPlugin(path: string, args: readonly string[], options: RunPluginOptions): Promise<PluginRun> {
  const startedAt = performance.now();
  const tail = new OutputTail(2000, 12);
  let stdout = '';
  return new Promise((resolve) => {
    let settled = false;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (exitCode: number | null, startError: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      resolve({ exitCode, timedOut, startError, stdout, outputTail: tail.value(), durationMs: performance.now() - startedAt });
    };
    const child = spawn(path, [...args], {
      detached: true, // own process group: a timeout kills the plugin and what it started
      stdio: ['ignore', 'pipe', 'pipe'],
      // The agents' clean environment, but the real HOME: plugins such as libvirt log in with ~/.ssh keys.
      env: agentEnvironment({ PATH: PLUGIN_PATH, HOME: homedir(), ...options.env }),
      cwd: '/',
    });
    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), options.killGraceMs ?? 2000);
    }, options.timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (stdout.length < STDOUT_MAX) stdout += chunk.slice(0, STDOUT_MAX - stdout.length);
      tail.push(chunk);
    });
    child.stderr.on('data', (chunk: string) => tail.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => finish(null, error.code ?? error.message));
    // 'close' waits for stdout/stderr to end; a plugin that left a background child holding
    // them is still done when it exits: its output is read for a moment longer, no more.
    let exitCode: number | null = null;
    child.on('exit', (code) => {
      exitCode = code;
      setTimeout(() => finish(timedOut ? null : exitCode, null), 300).unref();
    });
    child.on('close', () => finish(timedOut ? null : exitCode, null));
  });
}
