// hbctl fence confirm NODE [--json]
// hbctl fence check [--json]
//
// Heartbeat's `meatclient -c NODE`: with a meatware stonith_host line, the node that must fence
// NODE logs "OPERATOR INTERVENTION REQUIRED" and waits. The operator power-cycles NODE by hand
// (or makes sure it is off) and runs this on that node; its groups may then be taken over.
// `fence check` asks the daemon to try every device this node may use without fencing anything
// (external: `status` and `gethosts`; ssh: a root login), as cluster-glue's `stonith -S`.

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

export async function runFenceCheck(options: DaemonCommandOptions, io: Io): Promise<number> {
  const json = options.json === true;
  const request = `hbctl fence check${json ? ' --json' : ''}`;
  try {
    const { result, node } = await withDaemon(options, request, async (daemon) => ({ result: await daemon.call('fenceCheck', {}, 120_000), node: daemon.hello.node }));
    const bad = result.devices.filter((device) => !device.ok).length;
    const code = result.devices.length > 0 && bad === 0 ? EXIT.OK : EXIT.ERROR;
    const summary =
      result.devices.length === 0 ? `no stonith_host line lets ${node} fence` : bad === 0 ? `${result.devices.length} device(s) usable from ${node}` : `${bad} of ${result.devices.length} device(s) not usable from ${node}`;
    if (json) {
      printJson(io, envelope(request, code, summary, result));
      return code;
    }
    const lines = result.devices.map((device) => `  ${device.ok ? 'ok    ' : 'FAILED'}  ${device.device}  can fence: ${device.hosts.join(' ') || '(none)'}\n          ${device.detail}\n`);
    (code === EXIT.OK ? io.stdout : io.stderr)(`fencing from ${node}: ${summary}\n${lines.join('')}`);
    return code;
  } catch (error) {
    return reportError(io, request, error, json);
  }
}
