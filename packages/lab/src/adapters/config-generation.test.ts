// The files each adapter writes from one scenario: the Heartbeat-format files are accepted by
// hbd's own parser (with the directives Heartbeat needs for the same behaviour), and the
// keepalived translation keeps the timers, priorities, preemption and peers.
import { describe, expect, test } from '@jest/globals';
import { parseClusterConfig } from '@hbd/config';
import { authkeys, haCf, haresources } from '../ha-files';
import { keepalivedConf } from '../keepalived-conf';
import { resolveScenario, ScenarioError, type ClusterScenario } from '../scenario';
import { keepalivedNotifyScript } from '../service-scripts';
import { adapterFor, MANAGER_KINDS } from './index';

const two: ClusterScenario = { nodes: ['nodea', 'nodeb'], subnet: '10.213.7' };

function parsed(scenario: ClusterScenario, local = 'nodea') {
  const s = resolveScenario(scenario, 4242);
  return parseClusterConfig({ haCf: haCf(s), haresources: haresources(s), authkeys: authkeys(s), authkeysMode: 0o100600, localNode: { name: local, source: 'test' } });
}

describe('Heartbeat-format files (hbd and Heartbeat)', () => {
  test('hbd accepts them without errors, with the scenario\'s timers, nodes and group', () => {
    const result = parsed(two);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const config = result.config!;
    expect(config.keepaliveMs).toBe(200);
    expect(config.warntimeMs).toBe(500);
    expect(config.deadtimeMs).toBe(1000);
    expect(config.initdeadMs).toBe(2000);
    expect(config.nodes).toEqual(['nodea', 'nodeb']);
    expect(config.groups).toHaveLength(1);
    expect(config.groups[0]?.resources.map((r) => r.token)).toEqual(['IPaddr::10.213.7.100/24/eth0', 'Dummy::svc']);
  });

  test('ha.cf: udpport before the media, one ucast per node (identical on every node), ping node with deadping and ipfail', () => {
    const text = haCf(resolveScenario(two, 1));
    const lines = text.split('\n');
    expect(lines.indexOf('udpport 694')).toBeLessThan(lines.indexOf('ucast eth0 10.213.7.1'));
    expect(lines).toEqual(expect.arrayContaining(['ucast eth0 10.213.7.1', 'ucast eth0 10.213.7.2', 'keepalive 200ms', 'deadtime 1', 'auto_failback on']));
    expect(lines).toEqual(expect.arrayContaining(['ping 10.213.7.254', 'deadping 3', 'respawn hacluster /usr/libexec/heartbeat/ipfail']));
  });

  test('the timers of the false-death benchmark are written in milliseconds', () => {
    const text = haCf(resolveScenario({ ...two, pingNode: false, timers: { keepaliveMs: 50, warntimeMs: 100, deadtimeMs: 150, initdeadMs: 3000 } }, 1));
    expect(text).toContain('keepalive 50ms\nwarntime 100ms\ndeadtime 150ms\ninitdead 3\n');
    expect(text).not.toContain('ping ');
  });

  test('bcast and mcast media; the http service', () => {
    expect(haCf(resolveScenario({ ...two, media: 'bcast' }, 1))).toContain('\nbcast eth0\n');
    expect(haCf(resolveScenario({ ...two, media: 'mcast' }, 1))).toMatch(/\nmcast eth0 239\.0\.213\.\d+ 694 1 0\n/);
    expect(haresources(resolveScenario({ ...two, service: 'http' }, 1))).toContain('nodea IPaddr::10.213.7.100/24/eth0 labhttp::8080\n');
    expect(haresources(resolveScenario({ ...two, service: 'none' }, 1))).toContain('nodea IPaddr::10.213.7.100/24/eth0\n');
  });

  test('16 nodes parse too', () => {
    const nodes = Array.from({ length: 16 }, (_, i) => `n${i + 1}`);
    const result = parsed({ nodes, subnet: '10.213.9', media: 'bcast' }, 'n16');
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.config?.nodes).toHaveLength(16);
  });

  test('authkeys is sha1 with the scenario\'s secret and written 0600', () => {
    const s = resolveScenario({ ...two, authSecret: 'lab-only' }, 1);
    expect(authkeys(s)).toBe('auth 1\n1 sha1 lab-only\n');
    const files = adapterFor('heartbeat').configFiles(s, s.nodes[0]!);
    expect(files.find((f) => f.path === '/etc/ha.d/authkeys')?.mode).toBe(0o600);
  });
});

describe('scenario validation', () => {
  test('Heartbeat\'s timer rules are enforced up front', () => {
    expect(() => resolveScenario({ ...two, timers: { keepaliveMs: 500, deadtimeMs: 1000 } }, 1)).toThrow(ScenarioError);
    expect(() => resolveScenario({ ...two, timers: { initdeadMs: 500 } }, 1)).toThrow('initdead');
    expect(() => resolveScenario({ ...two, timers: { warntimeMs: 1000 } }, 1)).toThrow('warntime');
  });

  test('names, counts and the address range are checked', () => {
    expect(() => resolveScenario({ nodes: [] }, 1)).toThrow('1 to 16');
    expect(() => resolveScenario({ nodes: ['Node-A'] }, 1)).toThrow('lower-case');
    expect(() => resolveScenario({ nodes: ['a', 'a'] }, 1)).toThrow('repeat');
    expect(() => resolveScenario({ nodes: ['client'] }, 1)).toThrow('client');
    expect(() => resolveScenario({ nodes: ['a'], subnet: '192.168.1' }, 1)).toThrow('10.213');
  });

  test('addresses: nodes from .1, VIP .100, client .254; the preferred node has the highest priority', () => {
    const s = resolveScenario({ nodes: ['x', 'y', 'z'], subnet: '10.213.3' }, 1);
    expect(s.nodes.map((n) => [n.address, n.priority])).toEqual([
      ['10.213.3.1', 200],
      ['10.213.3.2', 190],
      ['10.213.3.3', 180],
    ]);
    expect(s.vip).toBe('10.213.3.100');
    expect(s.clientAddress).toBe('10.213.3.254');
  });
});

describe('keepalived translation', () => {
  test('advert_int = keepalive (VRRPv3), down_timer_adverts = deadtime / keepalive, unicast peers, priorities', () => {
    const s = resolveScenario(two, 1);
    const conf = keepalivedConf(s, s.nodes[1]!);
    expect(conf.advertIntMs).toBe(200);
    expect(conf.downTimerAdverts).toBe(5);
    expect(conf.text).toContain('    version 3\n    advert_int 0.2\n    down_timer_adverts 5\n');
    expect(conf.text).toContain('    priority 190\n');
    expect(conf.text).toContain('    unicast_src_ip 10.213.7.2\n    unicast_peer {\n        10.213.7.1\n    }\n');
    expect(conf.text).toContain('        10.213.7.100/24 dev eth0\n');
    expect(conf.text).not.toContain('nopreempt');
    expect(conf.text).toContain('state BACKUP');
  });

  test('auto_failback off is nopreempt; multicast media have no unicast peers; no ping script without a ping node', () => {
    const s = resolveScenario({ ...two, autoFailback: 'off', media: 'mcast', pingNode: false }, 1);
    const conf = keepalivedConf(s, s.nodes[0]!);
    expect(conf.text).toContain('    nopreempt\n');
    expect(conf.text).not.toContain('unicast_peer');
    expect(conf.text).not.toContain('lab_ping');
  });

  test('50 ms / 150 ms: 0.05 s adverts, 3 adverts; uneven timers are approximated and say so', () => {
    const fast = resolveScenario({ ...two, timers: { keepaliveMs: 50, warntimeMs: 100, deadtimeMs: 150, initdeadMs: 3000 } }, 1);
    const conf = keepalivedConf(fast, fast.nodes[0]!);
    expect(conf.text).toContain('advert_int 0.05\n');
    expect(conf.downTimerAdverts).toBe(3);
    const odd = resolveScenario({ ...two, timers: { keepaliveMs: 333, deadtimeMs: 1000 } }, 1);
    const oddConf = keepalivedConf(odd, odd.nodes[0]!);
    expect(oddConf.advertIntMs).toBe(330);
    expect(oddConf.notes.join(' ')).toContain('rounded');
    expect(oddConf.notes.join(' ')).toContain('approximated');
  });

  test('the standby switch is a track_file with weight 0, and the notify script runs the services', () => {
    const s = resolveScenario({ ...two, service: 'http' }, 1);
    expect(keepalivedConf(s, s.nodes[0]!).text).toMatch(/track_file lab_standby \{\n {4}file "\/etc\/keepalived\/standby"\n {4}weight 0\n\}/);
    const notify = keepalivedNotifyScript(s);
    expect(notify).toContain('MASTER)\n\t/etc/ha.d/resource.d/labhttp 8080 start\n');
    expect(notify).toContain('*)\n\t/etc/ha.d/resource.d/labhttp 8080 stop\n');
  });
});

describe('adapters', () => {
  test('each writes its configuration and the lab\'s resource scripts; only node-private paths', () => {
    const s = resolveScenario(two, 1);
    for (const kind of MANAGER_KINDS) {
      const files = adapterFor(kind).configFiles(s, s.nodes[0]!);
      expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['/etc/ha.d/resource.d/Dummy', '/etc/ha.d/resource.d/labhttp']));
      for (const file of files) expect(file.path).toMatch(/^\/(etc\/ha\.d|etc\/keepalived|var\/lib\/heartbeat|var\/log|run)\//);
    }
    expect(adapterFor('keepalived').configFiles(s, s.nodes[0]!).map((f) => f.path)).toContain('/etc/keepalived/keepalived.conf');
    expect(adapterFor('hbd').configFiles(s, s.nodes[0]!).map((f) => f.path)).toContain('/etc/ha.d/ha.cf');
  });

  test('peer deaths are counted from each manager\'s own words, cluster nodes only', () => {
    const s = resolveScenario(two, 1);
    const heartbeatLog = [
      'Nov 21 02:59:11 nodeb heartbeat: [6338]: WARN: node nodea: is dead',
      'Nov 21 02:58:59 nodea heartbeat: [6337]: WARN: node 10.213.7.254: is dead',
    ].join('\n');
    expect(adapterFor('heartbeat').countPeerDeaths(heartbeatLog, s)).toBe(1);
    expect(adapterFor('hbd').countPeerDeaths('… warning: node nodea is dead: nothing heard for 1.02 s (warntime 0.5 s, deadtime 1 s)\n', s)).toBe(1);
    expect(adapterFor('keepalived').countPeerDeaths('(lab_vip) Receive advertisement timeout\n(lab_vip) Entering MASTER STATE\n', s)).toBe(1);
  });

  test('operator commands', () => {
    const s = resolveScenario(two, 1);
    const a = s.nodes[0]!;
    expect(adapterFor('heartbeat').standbyCommand(s, a)).toEqual(['/usr/share/heartbeat/hb_standby', 'all']);
    expect(adapterFor('heartbeat').takeoverCommand(s, a)).toEqual(['/usr/share/heartbeat/hb_takeover', 'all']);
    expect(adapterFor('hbd').standbyCommand(s, a).slice(-3)).toEqual(['standby', '--no-wait', 'all']);
    expect(adapterFor('keepalived').standbyCommand(s, a)).toEqual(['sh', '-c', 'echo 1 > /etc/keepalived/standby']);
  });
});
