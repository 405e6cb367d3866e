// hbctl standby|takeover [all|local|foreign|failback] [--no-wait] [--timeout S] [--json]
// hbctl cleanup GROUP
//
// Waits until the hand-over is done (unless --no-wait), showing the daemon's log lines as they
// happen on stderr, then prints what moved and how long it took.

import type { AdminResult, AdminScope } from '@hbd/ipc';
import { IpcError } from '@hbd/ipc';
import type { DaemonClient } from '../../daemon-client';
import { seconds } from './format';
import { EXIT, envelope, printJson, reportError, type Io } from './output';
import { withDaemon, type DaemonCommandOptions } from './session';

export interface AdminOptions extends DaemonCommandOptions {
  /** commander's --no-wait sets wait: false. */
  readonly wait?: boolean;
  /** Seconds to wait for the hand-over before giving up (exit 124). */
  readonly timeout?: number;
  /** No progress lines on stderr. */
  readonly quiet?: boolean;
}

export const DEFAULT_ADMIN_TIMEOUT_S = 600;

function describe(result: AdminResult): string {
  if (result.moved.length === 0) return '  nothing moved\n';
  return result.moved.map((move) => `  moved ${move.group}: ${move.from ?? '(nobody)'} -> ${move.to}\n`).join('');
}

async function follow(daemon: DaemonClient, io: Io, quiet: boolean): Promise<void> {
  if (quiet) return;
  const startedAt = Date.now();
  daemon.onNotification((notification) => {
    if (notification.method !== 'event') return;
    const level = notification.params.level;
    if (level === 'debug') return;
    io.stderr(`  +${((Date.now() - startedAt) / 1000).toFixed(2)} s  ${notification.params.text}\n`);
  });
  await daemon.call('subscribe', { events: true, status: false }, 10_000);
}

async function runAdmin(
  label: string,
  call: (daemon: DaemonClient, wait: boolean, timeoutMs: number) => Promise<AdminResult>,
  options: AdminOptions,
  io: Io,
): Promise<number> {
  const json = options.json === true;
  const wait = options.wait !== false;
  const timeoutS = options.timeout ?? DEFAULT_ADMIN_TIMEOUT_S;
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) {
    io.stderr(`hbctl: --timeout takes a number of seconds, not ${String(options.timeout)}\n`);
    return EXIT.USAGE;
  }
  const request = `hbctl ${label}${wait ? '' : ' --no-wait'}${json ? ' --json' : ''}`;
  try {
    const { result, node } = await withDaemon(options, request, async (daemon) => {
      if (wait) await follow(daemon, io, options.quiet === true || json);
      return { result: await call(daemon, wait, timeoutS * 1000), node: daemon.hello.node };
    });
    const code = result.ok ? EXIT.OK : EXIT.ERROR;
    if (json) {
      printJson(io, envelope(request, code, result.message, result));
      return code;
    }
    if (!result.completed) {
      io.stdout(`${label} on ${node}: requested (request ${result.requestId}); not waiting -- follow it with "hbctl status"\n`);
      return EXIT.OK;
    }
    const took = result.tookMs === null ? '' : ` in ${seconds(result.tookMs)}`;
    if (result.ok) io.stdout(`${label} on ${node}: done${took}${result.moved.length === 0 ? `: ${result.message}` : ''}\n${describe(result)}`);
    else io.stderr(`hbctl: ${label} on ${node} failed${took}: ${result.message}\n${describe(result)}`);
    return code;
  } catch (error) {
    if (error instanceof IpcError && error.code === 'HB_IPC_TIMEOUT') {
      const late = new IpcError('HB_IPC_TIMEOUT', `${label} still in progress after ${timeoutS} s; hbd goes on with it`, { hint: 'follow it with "hbctl status"; raise --timeout for slow agents' });
      return reportError(io, request, late, json);
    }
    return reportError(io, request, error, json);
  }
}

export function runStandbyOrTakeover(command: 'standby' | 'takeover', scope: AdminScope, options: AdminOptions, io: Io): Promise<number> {
  return runAdmin(`${command} ${scope}`, (daemon, wait, timeoutMs) => daemon.call(command, { scope, wait }, wait ? timeoutMs : 10_000), options, io);
}

export function runCleanup(group: string, options: AdminOptions, io: Io): Promise<number> {
  return runAdmin(`cleanup ${group}`, (daemon, wait, timeoutMs) => daemon.call('cleanup', { group, wait }, wait ? timeoutMs : 10_000), options, io);
}
