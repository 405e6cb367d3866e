// hbctl status [--json] [--watch]

import type { StatusDocument } from '@hbd/ipc';
import { IpcError } from '@hbd/ipc';
import { connectDaemon, daemonSocketPath } from '../../daemon-client';
import { EXIT, envelope, printJson, reportError, type Io } from './output';
import { renderStatus } from './render-status';
import { withDaemon, type DaemonCommandOptions } from './session';

export interface StatusOptions extends DaemonCommandOptions {
  readonly watch?: boolean;
  /** Test seam: stop watching after this many documents. */
  readonly maxUpdates?: number;
}

const CLEAR_SCREEN = '\u001b[H\u001b[2J';

export async function runStatus(options: StatusOptions, io: Io): Promise<number> {
  const request = `hbctl status${options.json ? ' --json' : ''}${options.watch ? ' --watch' : ''}`;
  if (options.watch) return watch(options, io, request);
  try {
    const doc = await withDaemon(options, request, (daemon) => daemon.call('status', {}, 10_000));
    if (options.json) printJson(io, envelope(request, EXIT.OK, 'OK', doc));
    else io.stdout(renderStatus(doc));
    return EXIT.OK;
  } catch (error) {
    return reportError(io, request, error, options.json === true);
  }
}

/** Re-renders on every status push; --json prints one envelope per line (NDJSON). */
async function watch(options: StatusOptions, io: Io, request: string): Promise<number> {
  let daemon;
  try {
    daemon = await connectDaemon({ socketPath: daemonSocketPath(options.runDir), client: request });
  } catch (error) {
    return reportError(io, request, error, options.json === true);
  }
  const live = daemon;
  return new Promise<number>((resolve) => {
    let updates = 0;
    const show = (doc: StatusDocument): void => {
      if (options.json) io.stdout(`${JSON.stringify(envelope(request, EXIT.OK, 'OK', doc))}\n`);
      else io.stdout(`${io.stdoutIsTTY ? CLEAR_SCREEN : '\n'}${renderStatus(doc)}`);
      updates++;
      if (options.maxUpdates !== undefined && updates >= options.maxUpdates) {
        live.close();
        resolve(EXIT.OK);
      }
    };
    live.onNotification((notification) => {
      if (notification.method === 'status') show(notification.params);
    });
    live.onDisconnect((error) => resolve(reportError(io, request, new IpcError('HB_IPC_CONNECTION_LOST', 'hbd stopped (the control connection closed)', { hint: error.hint ?? '' }), options.json === true)));
    const stop = (): void => {
      live.close();
      resolve(EXIT.OK);
    };
    process.once('SIGINT', stop);
    live.call('subscribe', { events: false, status: true }, 10_000).catch((error: unknown) => {
      live.close();
      resolve(reportError(io, request, error, options.json === true));
    });
  });
}
