// Hand-built configs for engine tests (the real parser lives in @hbd/config).

import type { ClusterConfig, ResourceGroup, ResourceSpec } from '@hbd/config';

const at = { file: 'haresources', line: 1, column: 1 };

export function resource(token: string): ResourceSpec {
  const [name, ...args] = token.split('::');
  return { token, name: name!, args, location: at };
}

/** `group('nodea', 'IPaddr::10.0.0.1', 'nginx')` = the haresources line "nodea IPaddr::10.0.0.1 nginx". */
export function group(preferredNode: string, ...tokens: string[]): ResourceGroup {
  return { id: tokens[0]!, preferredNode, resources: tokens.map(resource), location: at };
}

export function makeConfig(over: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    clusterName: 'linux-ha',
    nodes: ['nodea', 'nodeb'],
    keepaliveMs: 1000,
    deadtimeMs: 6000,
    warntimeMs: 3000,
    initdeadMs: 12000,
    deadpingMs: 6000,
    udpPort: 694,
    media: [{ kind: 'bcast', iface: 'eth0', port: 694 }],
    pingTargets: [],
    autoFailback: 'on',
    groups: [group('nodea', 'IPaddr::10.0.0.100', 'nginx'), group('nodeb', 'IPaddr::10.0.0.101', 'mysqld')],
    auth: { activeIndex: 1, keys: [{ index: 1, method: 'sha1', key: 'secret' }] },
    logging: { debugLevel: 0 },
    respawn: [],
    agentTimeouts: { startMs: 20000, stopMs: 20000, statusMs: 10000 },
    stopRetriesMax: 2,
    monitorIntervalMs: 0,
    stonithHosts: [],
    digest: 'test',
    ...over,
  };
}
