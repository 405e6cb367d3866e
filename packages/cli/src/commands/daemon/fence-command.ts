// hbctl fence confirm NODE [--json]
//
// Heartbeat's `meatclient -c NODE`: with a meatware stonith_host line, the node that must fence
// NODE logs "OPERATOR INTERVENTION REQUIRED" and waits. The operator power-cycles NODE by hand
// (or makes sure it is off) and runs this on that node; its groups may then be taken over.

import { withDaemon, type DaemonCommandOptions } from './session';
import { EXIT, envelope, printJson, reportError, type Io } from './output';

export async function runFenceConfirm(node: string, options: DaemonCommandOptions, io: Io): Promise<number> {
  const json = options.json === true;
  const request = `hbctl fence confirm ${node}${json ? ' --json' : ''}`;
  try {
    const result = await withDaemon(options, request, (daemon) => daemon.call('fenceConfirm', { node }, 10_000));
    if (json) printJson(io, envelope(request, EXIT.OK, result.message, result));
    else io.stdout(`${result.message}\n`);
    return EXIT.OK;
  } catch (error) {
    return reportError(io, request, error, json);
  }
}
