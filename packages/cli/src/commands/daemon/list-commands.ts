// hbctl node list [--json], hbctl resource list [--json]

import { EXIT, envelope, printJson, reportError, type Io } from './output';
import { ago, table } from './format';
import { withDaemon, type DaemonCommandOptions } from './session';

export async function runNodeList(options: DaemonCommandOptions, io: Io): Promise<number> {
  const request = `hbctl node list${options.json ? ' --json' : ''}`;
  try {
    const result = await withDaemon(options, request, (daemon) => daemon.call('nodeList', {}, 10_000));
    if (options.json) printJson(io, envelope(request, EXIT.OK, 'OK', result));
    else
      io.stdout(
        table(
          ['NODE', 'TYPE', 'STATUS', 'LAST HEARD', 'LINKS'],
          result.nodes.map((node) => [
            node.name,
            node.type,
            node.status,
            node.local ? '(this node)' : ago(node.lastHeardAgoMs),
            node.links.map((link) => `${link.link}: ${link.status}`).join(', '),
          ]),
        ),
      );
    return EXIT.OK;
  } catch (error) {
    return reportError(io, request, error, options.json === true);
  }
}

export async function runResourceList(options: DaemonCommandOptions, io: Io): Promise<number> {
  const request = `hbctl resource list${options.json ? ' --json' : ''}`;
  try {
    const result = await withDaemon(options, request, (daemon) => daemon.call('resourceList', {}, 10_000));
    if (options.json) {
      printJson(io, envelope(request, EXIT.OK, 'OK', result));
      return EXIT.OK;
    }
    const rows: string[][] = [];
    for (const group of result.groups) {
      for (const [index, resource] of group.resources.entries()) {
        rows.push([
          index === 0 ? group.id : '',
          index === 0 ? (group.owner ?? '(nobody)') : '',
          String(index + 1),
          resource.token,
          resource.state,
          resource.agentPath === null ? '(not found)' : `${resource.agentPath} (${resource.agentKind})`,
        ]);
      }
    }
    io.stdout(table(['GROUP', 'OWNER', '#', 'RESOURCE', 'HERE', 'AGENT'], rows));
    return EXIT.OK;
  } catch (error) {
    return reportError(io, request, error, options.json === true);
  }
}
