// A two-node cluster on one LAN, plus clients, for the real agent tests: nodes alpha and beta
// with their own network and mount namespaces and a node-local run directory (tmpfs) for pid
// files, sockets and agent state, as two machines would have.
import { createNetLab, type LabNode, type NetLab } from '@hbd/testkit';
import { AGENT_PATH, heartbeatEnv } from '@hbd/executor';
import { STAND_IN_BIN } from './helpers';

export const LAN_PREFIX = '10.213.0';

export interface ClusterLab {
  readonly lab: NetLab;
  readonly alpha: LabNode;
  readonly beta: LabNode;
  readonly clients: readonly LabNode[];
  /** Same path on every node, a different tmpfs on each. */
  readonly runDir: string;
  /** The environment an agent gets on `node`: HA_* as Heartbeat passes them, state in the run dir. */
  envFor(node: LabNode, extra?: Record<string, string>): Record<string, string>;
  /** Heartbeat-style gratuitous ARP and duplicate check, tuned short for tests. */
  readonly fastArp: Record<string, string>;
}

export async function createClusterLab(options: { readonly clients?: number } = {}): Promise<ClusterLab> {
  const lab = await createNetLab();
  try {
    const sw = await lab.addSwitch('lan');
    const alpha = await lab.addNode('alpha');
    const beta = await lab.addNode('beta');
    await lab.link(alpha, sw, { ifname: 'eth0', addresses: [`${LAN_PREFIX}.1/24`] });
    await lab.link(beta, sw, { ifname: 'eth0', addresses: [`${LAN_PREFIX}.2/24`] });
    const clients: LabNode[] = [];
    for (let i = 0; i < (options.clients ?? 0); i += 1) {
      const client = await lab.addNode(`client${i + 1}`, { mountNamespace: false });
      await lab.link(client, sw, { ifname: 'eth0', addresses: [`${LAN_PREFIX}.${10 + i}/24`] });
      clients.push(client);
    }
    const runDir = await lab.tempDir('run');
    await alpha.mountTmpfs(runDir);
    await beta.mountTmpfs(runDir);
    return {
      lab,
      alpha,
      beta,
      clients,
      runDir,
      envFor: (node, extra = {}) => ({
        ...heartbeatEnv({ localNode: node.name, logfacility: 'none' }),
        PATH: `${STAND_IN_BIN}:${AGENT_PATH}`,
        HA_RSCTMP: `${runDir}/rsc`,
        ...extra,
      }),
      fastArp: {
        HBD_IPADDR_DAD_PROBES: '1',
        HBD_IPADDR_ARP_COUNT: '3',
        HBD_IPADDR_ARP_INTERVAL_MS: '100',
        HBD_IPADDR_ARP_REPEAT_DELAY_MS: '1500',
      },
    };
  } catch (err) {
    await lab.cleanup();
    throw err;
  }
}

/** The MAC a node's neighbour table has for `ip`, or null (no entry, or an entry without one). */
export async function neighbourMac(node: LabNode, ip: string): Promise<string | null> {
  const { stdout } = await node.exec(['ip', '-4', 'neigh', 'show', ip]);
  return /lladdr ([0-9a-f:]{17})/.exec(stdout)?.[1] ?? null;
}

/** Poll until `check` returns a truthy value or `timeoutMs` passes; returns the last value. */
export async function waitFor<T>(check: () => Promise<T>, timeoutMs: number, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
