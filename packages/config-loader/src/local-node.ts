// Which node this machine is. Heartbeat: `uname -n`, overridden by the first line of
// /etc/ha.d/nodeinfo when that file exists, lower-cased. hbd reads nodeinfo from the
// configuration directory it was given (normally /etc/ha.d), and `--node` overrides both.

import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';

export type LocalNodeSource = 'option' | 'nodeinfo' | 'directory' | 'hostname';

export interface LocalNode {
  readonly name: string;
  readonly source: LocalNodeSource;
  /** For messages: "--node", "/etc/ha.d/nodeinfo", "the directory name", "uname -n". */
  readonly sourceText: string;
}

export interface LocalNodeOptions {
  readonly configDir: string;
  readonly node?: string;
  /** Used after nodeinfo and before `uname -n`: a node directory's own name when a set of them is checked. */
  readonly directoryNode?: string;
  /** `uname -n`; os.hostname() returns the same nodename. */
  readonly hostname?: () => string;
}

export function resolveLocalNode(options: LocalNodeOptions): LocalNode {
  if (options.node !== undefined && options.node.trim() !== '') {
    return { name: options.node.trim().toLowerCase(), source: 'option', sourceText: '--node' };
  }
  const nodeinfo = join(options.configDir, 'nodeinfo');
  const firstLine = readFirstLine(nodeinfo);
  if (firstLine !== undefined) return { name: firstLine.toLowerCase(), source: 'nodeinfo', sourceText: nodeinfo };
  if (options.directoryNode !== undefined) return { name: options.directoryNode.toLowerCase(), source: 'directory', sourceText: 'the directory name' };
  return { name: (options.hostname ?? osHostname)().trim().toLowerCase(), source: 'hostname', sourceText: 'uname -n' };
}

function readFirstLine(path: string): string | undefined {
  try {
    const first = readFileSync(path, 'utf8').split('\n')[0]?.trim();
    return first === undefined || first === '' ? undefined : first;
  } catch {
    return undefined; // absent or unreadable: Heartbeat falls back to uname -n as well
  }
}
