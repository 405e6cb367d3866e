// A directory that holds one configuration directory per node (as examples/ does, or a
// configuration repository): each node's directory is loaded as that node, then the nodes are
// compared, because every node must describe the same cluster (Heartbeat required identical
// haresources and authkeys, and matching ha.cf, and never checked).

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Diagnostic, clusterDifferences, diagnostic, wholeFile } from '@hbd/config';
import { type LoadClusterConfigOptions, type LoadClusterConfigResult, loadClusterConfig, nodeSubdirectories } from './load-cluster-config';

export interface ClusterSetMember {
  /** The subdirectory name, e.g. "master1". */
  readonly name: string;
  readonly result: LoadClusterConfigResult;
}

export interface LoadClusterSetResult {
  readonly configDir: string;
  readonly members: readonly ClusterSetMember[];
  /** Disagreements between members (HB_CFG_NODES_DISAGREE); each member has its own diagnostics. */
  readonly diagnostics: readonly Diagnostic[];
}

/** True when `dir` has no ha.cf of its own but subdirectories that do. */
export function isNodeDirectorySet(dir: string): boolean {
  return !existsSync(join(dir, 'ha.cf')) && nodeSubdirectories(resolve(dir)).length > 0;
}

export function loadClusterConfigSet(options: Omit<LoadClusterConfigOptions, 'node' | 'directoryNode'>): LoadClusterSetResult {
  const configDir = resolve(options.configDir);
  const members = nodeSubdirectories(configDir).map((name) => ({ name, result: loadClusterConfig({ ...options, configDir: join(configDir, name), directoryNode: name }) }));
  const diagnostics: Diagnostic[] = [];
  const reference = members.find((m) => m.result.normalized !== undefined);
  for (const m of members) {
    if (reference === undefined || m === reference || m.result.normalized === undefined) continue;
    const differences = clusterDifferences(reference.result.normalized as NonNullable<typeof reference.result.normalized>, m.result.normalized);
    if (differences.length === 0) continue;
    diagnostics.push(
      diagnostic(
        'HB_CFG_NODES_DISAGREE',
        wholeFile(m.name),
        `${m.name} and ${reference.name} describe different clusters: ${differences.join('; ')}`,
        'haresources and authkeys must be identical on every node; ha.cf may differ only in its links (ucast lines)',
      ),
    );
  }
  return { configDir, members, diagnostics };
}
