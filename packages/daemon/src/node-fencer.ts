// The daemon's Fencer: the stonith_host devices of ha.cf (fencing/stonith-fencer.ts). Without
// stonith_host lines the engine never orders a fence; if it did, the answer would be "failed",
// never "fenced" without proof.

import { resolve } from 'node:path';
import type { ClusterConfig } from '@hbd/config';
import type { NodeView } from '@hbd/core';
import type { Log } from './logger';
import { createSshDriver } from './fencing/ssh-fence';
import { createStonithFencer, type StonithFencer } from './fencing/stonith-fencer';

export type { StonithFencer } from './fencing/stonith-fencer';

/** External plugins shipped with hbd: <repository>/stonith-plugins (packages/daemon/{src,dist}/ → root). */
export const BUNDLED_PLUGIN_DIR = resolve(__dirname, '../../../stonith-plugins');

/** `view`: the engine's current view (null before it starts), for stonith_delay and for nodes heard again. */
export function createNodeFencer(config: ClusterConfig, localNode: string, log: Log, view: () => NodeView | null): StonithFencer {
  const fencing = config.fencing ?? { devices: [], timeoutMs: 60_000, delayMs: 0, pluginDirs: [] };
  return createStonithFencer({
    localNode,
    fencing,
    log,
    bundledPluginDir: BUNDLED_PLUGIN_DIR,
    holdsGroups: () => view()?.groups.some((group) => group.localState === 'started' || group.localState === 'starting') ?? false,
    nodeIncarnation: (node) => {
      const peer = view()?.nodes.find((candidate) => candidate.name === node);
      return peer !== undefined && ['up', 'active', 'leaving'].includes(peer.status) ? (peer.generation ?? 0) : null;
    },
    sshDriver: (device, timeoutMs) => createSshDriver(device, timeoutMs),
  });
}

/** What a reload must restart hbd for: the devices as written and the stonith_* settings. */
export function fencingSettings(config: ClusterConfig): string {
  const f = config.fencing;
  return JSON.stringify([config.stonithHosts, f?.timeoutMs, f?.delayMs, f?.pluginDirs]);
}
