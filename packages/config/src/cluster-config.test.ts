import { describe, expect, test } from '@jest/globals';
import { defaultInitdeadMs, defaultWarntimeMs, parseClusterConfig, type ClusterConfigInput } from './cluster-config';
import { clusterDifferences } from './cluster-differences';
import { at, codes } from '../test/helpers';

const HA_CF = ['keepalive 2', 'deadtime 30', 'warntime 10', 'initdead 60', 'udpport 694', 'ucast eth1 10.1.1.2', 'auto_failback on', 'node master1', 'node master2', 'ping 192.168.42.1'].join('\n');
const HARESOURCES = 'master1 IPaddr::192.168.42.14/25/eth0:0 nginx\n';
const AUTHKEYS = 'auth 1\n1 sha1 SomeLongSecret\n';

function check(over: Partial<ClusterConfigInput> = {}) {
  return parseClusterConfig({ haCf: HA_CF, haresources: HARESOURCES, authkeys: AUTHKEYS, localNode: { name: 'master1', source: 'test' }, ...over });
}

describe('parseClusterConfig', () => {
  test('a clean configuration gives config and no diagnostics', () => {
    const r = check();
    expect(r.diagnostics).toEqual([]);
    expect(r.config).toBe(r.normalized);
    expect(r.config).toMatchObject({
      clusterName: 'linux-ha',
      nodes: ['master1', 'master2'],
      keepaliveMs: 2000,
      deadtimeMs: 30000,
      warntimeMs: 10000,
      initdeadMs: 60000,
      deadpingMs: 30000,
      udpPort: 694,
      media: [{ kind: 'ucast', iface: 'eth1', peer: '10.1.1.2', port: 694 }],
      pingTargets: [{ name: '192.168.42.1', kind: 'ping', addresses: ['192.168.42.1'] }],
      autoFailback: 'on',
      auth: { activeIndex: 1, keys: [{ index: 1, method: 'sha1', key: 'SomeLongSecret' }] },
      logging: { debugLevel: 0 },
      respawn: [],
      agentTimeouts: { startMs: 120000, stopMs: 120000, statusMs: 30000 },
      stopRetriesMax: 10,
      monitorIntervalMs: 10000,
      stonithHosts: [],
    });
    expect(r.config?.digest).toMatch(/^[0-9a-f]{16}$/);
  });

  test('any error withholds config but keeps the normalized view', () => {
    const r = check({ haCf: `${HA_CF}\ndeadtme 5` });
    expect(r.config).toBeUndefined();
    expect(r.normalized.nodes).toEqual(['master1', 'master2']);
  });

  test('warnings alone still give a config', () => {
    const r = check({ haCf: `${HA_CF}\nrespawn hacluster /usr/libexec/heartbeat/ipfail` });
    expect(codes(r.diagnostics)).toEqual(['HB_CFG_NOT_IMPLEMENTED']);
    expect(r.config?.respawn).toEqual([{ user: 'hacluster', command: '/usr/libexec/heartbeat/ipfail' }]);
  });

  test('diagnostics are sorted by file, then line', () => {
    const r = check({ haCf: `deadtme 1\n${HA_CF}`, haresources: 'nodex nginx', authkeys: 'auth 1\n1 crc' });
    expect(at(r.diagnostics)).toEqual(['ha.cf:1:1 HB_CFG_UNKNOWN_DIRECTIVE', 'authkeys:2:1 HB_CFG_AUTHKEYS_CRC', 'haresources:1:1 HB_CFG_GROUP_NODE_UNKNOWN']);
  });
});

describe('defaults (Heartbeat init_config)', () => {
  test('warntime = deadtime / 2', () => {
    expect(defaultWarntimeMs(30000)).toBe(15000);
    expect(defaultWarntimeMs(5001)).toBe(2500);
  });
  test('initdead: deadtime if > 10 s, 12 s if < 6 s, else 2 × deadtime', () => {
    expect(defaultInitdeadMs(30000)).toBe(30000);
    expect(defaultInitdeadMs(10001)).toBe(10001);
    expect(defaultInitdeadMs(10000)).toBe(20000);
    expect(defaultInitdeadMs(6000)).toBe(12000);
    expect(defaultInitdeadMs(5999)).toBe(12000);
    expect(defaultInitdeadMs(3000)).toBe(12000);
  });
  test('a minimal ha.cf gets Heartbeat\'s defaults', () => {
    const r = check({ haCf: 'ucast eth1 10.1.1.2\nnode master1 master2\nping 10.0.0.254\nauto_failback on' });
    expect(r.normalized).toMatchObject({ keepaliveMs: 1000, deadtimeMs: 30000, warntimeMs: 15000, initdeadMs: 30000, deadpingMs: 30000, udpPort: 694, clusterName: 'linux-ha' });
    // initdead defaults to deadtime, less than 2 × deadtime: a warning that says it is the default
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'HB_CFG_INITDEAD_SHORT', line: 0, message: expect.stringContaining('initdead defaults to 30 s') })]);
  });
  test('auto_failback unset means legacy, with a deprecation warning', () => {
    const r = check({ haCf: HA_CF.replace('auto_failback on', '') });
    expect(r.normalized.autoFailback).toBe('legacy');
    expect(at(r.diagnostics)).toEqual(['ha.cf:0:0 HB_CFG_DEPRECATED']);
  });
});

describe('cross-checks', () => {
  const cases: [string, string, string[]][] = [
    ['no media', HA_CF.replace('ucast eth1 10.1.1.2', ''), ['ha.cf:0:0 HB_CFG_NO_MEDIA']],
    ['only serial media', HA_CF.replace('ucast eth1 10.1.1.2', 'serial /dev/ttyS0'), ['ha.cf:0:0 HB_CFG_NO_MEDIA', 'ha.cf:6:1 HB_CFG_NOT_IMPLEMENTED']],
    ['no nodes', HA_CF.replace('node master1', '').replace('node master2', ''), ['ha.cf:0:0 HB_CFG_NO_NODES']],
    ['one node', HA_CF.replace('node master2', ''), ['ha.cf:8:6 HB_CFG_ONE_NODE']],
    ['no ping', HA_CF.replace('ping 192.168.42.1', ''), ['ha.cf:0:0 HB_CFG_NO_PING']],
    ['deadtime = 2 × keepalive (Heartbeat rejects equality)', HA_CF.replace('deadtime 30', 'deadtime 4').replace('warntime 10', 'warntime 3').replace('initdead 60', 'initdead 12'), ['ha.cf:2:10 HB_CFG_DEADTIME_TOO_SMALL']],
    ['warntime <= keepalive', HA_CF.replace('warntime 10', 'warntime 2'), ['ha.cf:3:10 HB_CFG_WARNTIME_TOO_SMALL']],
    ['warntime >= deadtime', HA_CF.replace('warntime 10', 'warntime 30'), ['ha.cf:3:10 HB_CFG_WARNTIME_TOO_LARGE']],
    ['initdead < deadtime', HA_CF.replace('initdead 60', 'initdead 20'), ['ha.cf:4:10 HB_CFG_INITDEAD_BELOW_DEADTIME']],
    ['initdead < 2 × deadtime', HA_CF.replace('initdead 60', 'initdead 45'), ['ha.cf:4:10 HB_CFG_INITDEAD_SHORT']],
    ['deadping <= 2 × keepalive', `${HA_CF}\ndeadping 4`, ['ha.cf:11:10 HB_CFG_DEADPING_TOO_SMALL']],
  ];
  test.each(cases)('%s', (_name, haCf, expected) => {
    expect(at(check({ haCf }).diagnostics)).toEqual(expected);
  });

  test('deadtime just above 2 × keepalive is fine', () => {
    const haCf = HA_CF.replace('deadtime 30', 'deadtime 4001ms').replace('warntime 10', 'warntime 3').replace('initdead 60', 'initdead 12');
    expect(check({ haCf }).diagnostics).toEqual([]);
  });

  test('the local node must be listed; the hint spots an FQDN from uname -n', () => {
    expect(check({ localNode: { name: 'master3', source: 'uname -n' } }).diagnostics).toEqual([
      expect.objectContaining({ code: 'HB_CFG_LOCAL_NODE_NOT_LISTED', message: 'this machine is "master3" (from uname -n), which is not a node line (nodes: master1, master2)', hint: 'did you mean "master1"? Node names must match exactly' }),
    ]);
    expect(check({ localNode: { name: 'Master1.example.com', source: 'uname -n' } }).diagnostics[0]?.hint).toBe(
      'uname -n gives the full name: write "node master1.example.com", or put "master1" in the nodeinfo file',
    );
    expect(check({ localNode: { name: 'MASTER1', source: 'uname -n' } }).diagnostics).toEqual([]);
    expect(check({ localNode: undefined }).diagnostics).toEqual([]);
  });

  test('every haresources node must be a node line', () => {
    const r = check({ haresources: 'master1 nginx\nmaster3 mysqld\n' });
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'HB_CFG_GROUP_NODE_UNKNOWN', file: 'haresources', line: 2, column: 1, message: '"master3" is not a node in ha.cf (did you mean "master1"?)' })]);
  });

  test('a directive written but rejected gets its own error, not also "not set"', () => {
    expect(at(check({ haCf: HA_CF.replace('ping 192.168.42.1', 'ping 192.168.42.300') }).diagnostics)).toEqual(['ha.cf:10:6 HB_CFG_BAD_ADDRESS']);
    expect(at(check({ haCf: HA_CF.replace('auto_failback on', 'auto_failback maybe') }).diagnostics)).toEqual(['ha.cf:7:15 HB_CFG_BAD_VALUE']);
    expect(at(check({ haCf: HA_CF.replace('ucast eth1 10.1.1.2', 'ucast eth1') }).diagnostics)).toEqual(['ha.cf:6:7 HB_CFG_BAD_SYNTAX']);
    expect(codes(check({ haCf: HA_CF.replace('node master1', 'node //a').replace('node master2', ''), localNode: undefined, haresources: '' }).diagnostics)).toEqual(['HB_CFG_BAD_NODE_NAME', 'HB_CFG_NO_GROUPS']);
  });

  test('an empty haresources is a warning', () => {
    expect(at(check({ haresources: '# nothing yet\n' }).diagnostics)).toEqual(['haresources:0:0 HB_CFG_NO_GROUPS']);
  });
});

describe('digest', () => {
  test('the same cluster on both nodes has the same digest even though their ucast lines differ', () => {
    const m1 = check().config;
    const m2 = check({ haCf: HA_CF.replace('10.1.1.2', '10.1.1.1'), localNode: { name: 'master2', source: 'test' } }).config;
    expect(m1?.digest).toBe(m2?.digest);
  });
  test('changing a cluster-wide setting changes the digest; comments and logging do not', () => {
    const base = check().config?.digest;
    expect(check({ haCf: HA_CF.replace('deadtime 30', 'deadtime 31') }).config?.digest).not.toBe(base);
    expect(check({ haresources: 'master2 IPaddr::192.168.42.14/25/eth0:0 nginx' }).config?.digest).not.toBe(base);
    expect(check({ authkeys: 'auth 1\n1 md5 SomeLongSecret' }).config?.digest).not.toBe(base);
    expect(check({ haCf: `# a comment\n${HA_CF}\nlogfile /var/log/ha-log` }).config?.digest).toBe(base);
    expect(check({ authkeys: 'auth 1\n1 sha1 AnotherSecret' }).config?.digest).toBe(base); // keys never enter the digest
  });
});

describe('clusterDifferences', () => {
  test('names each cluster-wide field that differs, never the key itself', () => {
    const a = check().normalized;
    expect(clusterDifferences(a, a)).toEqual([]);
    const b = check({ haCf: HA_CF.replace('deadtime 30', 'deadtime 31').replace('10.1.1.2', '10.1.1.1'), authkeys: 'auth 1\n1 sha1 Other', haresources: 'master2 nginx' }).normalized;
    expect(clusterDifferences(a, b)).toEqual(['deadtime 30 s vs 31 s', 'deadping 30 s vs 31 s', 'haresources groups', 'authkeys: the signing key']);
  });
});
