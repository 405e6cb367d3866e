// Builds the normalized ClusterConfig the simulated nodes run with, from a small description.
// The simulator never parses ha.cf: it hands every node the same ClusterConfig object shape the
// parser would produce for one cluster-wide ha.cf + haresources.

import type { AuthMethod, AutoFailback, ClusterConfig, Medium, PingTarget, ResourceGroup, ResourceSpec } from '@hbd/config';
import { deriveSeed } from './rng';

export interface SimGroupSpec {
  readonly preferredNode: string;
  /** haresources tokens, left to right: `IPaddr::192.168.42.14/25/eth0:0`, `nginx`. */
  readonly tokens: readonly string[];
}

export interface SimTopology {
  readonly nodes: readonly string[];
  readonly keepaliveMs: number;
  readonly warntimeMs: number;
  readonly deadtimeMs: number;
  readonly initdeadMs: number;
  readonly deadpingMs: number;
  readonly autoFailback: AutoFailback;
  readonly groups: readonly SimGroupSpec[];
  readonly pingTargets: readonly PingTarget[];
  /** Heartbeat media; each is one link between every pair of nodes. */
  readonly media: readonly Medium[];
  /** A stonith_host line is configured: the engine may fence, and the simulator answers. */
  readonly fencing: boolean;
  readonly agentTimeouts: { readonly startMs: number; readonly stopMs: number; readonly statusMs: number };
  readonly stopRetriesMax: number;
  readonly monitorIntervalMs: number;
  /** authkeys method every packet is signed with (default sha1). */
  readonly authMethod?: AuthMethod;
}

/** The seed's two-node cluster (heartbeat-nginx-drbd tutorial): keepalive 2, warntime 10, deadtime 30, initdead 60. */
export function seedTopology(overrides: Partial<SimTopology> = {}): SimTopology {
  return {
    nodes: ['master1', 'master2'],
    keepaliveMs: 2_000,
    warntimeMs: 10_000,
    deadtimeMs: 30_000,
    initdeadMs: 60_000,
    deadpingMs: 30_000,
    autoFailback: 'on',
    groups: [{ preferredNode: 'master1', tokens: ['IPaddr::192.168.42.14/25/eth0:0', 'nginx'] }],
    pingTargets: [{ name: '192.168.42.1', kind: 'ping', addresses: ['192.168.42.1'] }],
    media: [{ kind: 'ucast', iface: 'eth1', peer: '10.1.1.2', port: 694 }],
    fencing: false,
    agentTimeouts: { startMs: 20_000, stopMs: 20_000, statusMs: 10_000 },
    stopRetriesMax: 10,
    monitorIntervalMs: 0,
    ...overrides,
  };
}

/** The name the simulator reports as `Input.link` for a medium: "ucast eth1", "bcast eth0"… */
export function linkName(medium: Medium): string {
  switch (medium.kind) {
    case 'ucast':
    case 'bcast':
    case 'mcast':
      return `${medium.kind} ${medium.iface}`;
    case 'serial':
      return `serial ${medium.device}`;
    case 'ucast6':
    case 'mcast6':
      return `${medium.kind} ${medium.raw}`;
  }
}

/** `IPaddr::192.168.42.14/25/eth0:0` → name IPaddr, args [192.168.42.14/25/eth0:0]; a bare IP is IPaddr. */
export function resourceSpec(token: string, line: number, column: number): ResourceSpec {
  const parts = token.split('::');
  let name = parts[0] ?? token;
  let args = parts.slice(1);
  if (/^\d+\.\d+\.\d+\.\d+/.test(name)) {
    args = [name, ...args];
    name = 'IPaddr';
  }
  const lsb = !/^(IPaddr|IPaddr2|Filesystem|drbddisk|MailTo|Dummy)$/.test(name);
  return {
    token,
    name,
    args,
    location: { file: 'haresources', line, column },
    agent: lsb ? { path: `/etc/init.d/${name}`, kind: 'lsb' } : { path: `/etc/ha.d/resource.d/${name}`, kind: 'heartbeat' },
  };
}

export function buildClusterConfig(topology: SimTopology): ClusterConfig {
  const groups: ResourceGroup[] = topology.groups.map((g, i) => {
    let column = g.preferredNode.length + 2;
    const resources = g.tokens.map((token) => {
      const spec = resourceSpec(token, i + 1, column);
      column += token.length + 1;
      return spec;
    });
    return {
      id: g.tokens[0] ?? `group${i}`,
      preferredNode: g.preferredNode,
      resources,
      location: { file: 'haresources', line: i + 1, column: 1 },
    };
  });
  const digestSource = JSON.stringify({
    nodes: topology.nodes,
    timers: [topology.keepaliveMs, topology.warntimeMs, topology.deadtimeMs, topology.initdeadMs, topology.deadpingMs],
    autoFailback: topology.autoFailback,
    groups: topology.groups,
  });
  return {
    clusterName: 'linux-ha',
    nodes: [...topology.nodes],
    keepaliveMs: topology.keepaliveMs,
    deadtimeMs: topology.deadtimeMs,
    warntimeMs: topology.warntimeMs,
    initdeadMs: topology.initdeadMs,
    deadpingMs: topology.deadpingMs,
    udpPort: 694,
    media: [...topology.media],
    pingTargets: [...topology.pingTargets],
    autoFailback: topology.autoFailback,
    groups,
    auth: { activeIndex: 1, keys: [{ index: 1, method: topology.authMethod ?? 'sha1', key: topology.authMethod === 'crc' ? '' : 'sim-shared-secret' }] },
    logging: { debugLevel: 0 },
    respawn: [],
    agentTimeouts: { ...topology.agentTimeouts },
    stopRetriesMax: topology.stopRetriesMax,
    monitorIntervalMs: topology.monitorIntervalMs,
    stonithHosts: topology.fencing ? ['* external/sim sim-fence'] : [],
    digest: `sim-${deriveSeed(0, digestSource).toString(16).padStart(8, '0')}`,
  };
}
