// A complete ClusterConfig for daemon tests, without going through the parser: two nodes on
// loopback, one group of Dummy-style resources.
import type { ClusterConfig, ResourceSpec } from '@hbd/config';

export function resource(token: string, path = '/bin/true'): ResourceSpec {
  const [name = token, ...args] = token.split('::');
  return { token, name, args, location: { file: 'haresources', line: 1, column: 1 }, agent: { path, kind: 'hbd' } };
}

export function testConfig(overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    clusterName: 'hbd-test',
    nodes: ['alpha', 'beta'],
    keepaliveMs: 200,
    deadtimeMs: 1000,
    warntimeMs: 500,
    initdeadMs: 2000,
    deadpingMs: 1000,
    udpPort: 16940,
    media: [
      { kind: 'ucast', iface: 'lo', peer: '127.0.0.2', port: 16940 },
      { kind: 'ucast', iface: 'lo', peer: '127.0.0.3', port: 16940 },
    ],
    pingTargets: [],
    autoFailback: 'on',
    groups: [
      {
        id: 'Dummy::web',
        preferredNode: 'alpha',
        resources: [resource('Dummy::web'), resource('Dummy::app')],
        location: { file: 'haresources', line: 1, column: 1 },
      },
    ],
    auth: { activeIndex: 1, keys: [{ index: 1, method: 'sha1', key: 'test secret' }] },
    logging: { debugLevel: 0 },
    respawn: [],
    agentTimeouts: { startMs: 5000, stopMs: 5000, statusMs: 2000 },
    stopRetriesMax: 3,
    monitorIntervalMs: 0,
    stonithHosts: [],
    digest: 'test-digest-1',
    ...overrides,
  };
}
