import { describe, expect, test } from '@jest/globals';
import { parseClusterConfig } from './cluster-config';
import { parseHaCf } from './ha-cf';
import { at, codes } from '../test/helpers';

const HA_CF = ['keepalive 2', 'deadtime 30', 'warntime 10', 'initdead 60', 'ucast eth1 10.1.1.2', 'auto_failback on', 'node master1 master2', 'ping 192.168.42.1'].join('\n');
const lineOf = HA_CF.split('\n').length + 1; // an appended line

function cluster(extra: string) {
  return parseClusterConfig({ haCf: `${HA_CF}\n${extra}\n`, haresources: 'master1 IPaddr::192.168.42.14/25/eth0:0\n', authkeys: 'auth 1\n1 sha1 SomeLongSecret\n', localNode: { name: 'master1', source: 'test' } });
}

describe('stonith_host', () => {
  test('external/<plugin>: node lower-cased, parameters kept in order, raw text kept', () => {
    const r = parseHaCf('stonith_host Master2 external/ipmi  master1 10.0.0.11 admin "pw" lan');
    expect(r.diagnostics).toEqual([]);
    expect(r.settings.stonithDevices).toEqual([
      {
        hostFrom: 'master2',
        type: 'external/ipmi',
        driver: 'external',
        plugin: 'ipmi',
        params: ['master1', '10.0.0.11', 'admin', '"pw"', 'lan'],
        raw: 'Master2 external/ipmi  master1 10.0.0.11 admin "pw" lan',
        location: { file: 'ha.cf', line: 1, column: 14, endColumn: 21 },
      },
    ]);
    expect(r.settings.stonithHosts.map((h) => h.value)).toEqual(['Master2 external/ipmi  master1 10.0.0.11 admin "pw" lan']);
  });

  test('an external plugin may take no parameters (it is asked for its config names at run time)', () => {
    const r = parseHaCf('stonith_host * external/libvirt');
    expect(r.diagnostics).toEqual([]);
    expect(r.settings.stonithDevices[0]).toMatchObject({ driver: 'external', plugin: 'libvirt', params: [] });
  });

  test('ssh, external/ssh and meatware take the host list; names lower-cased', () => {
    const r = parseHaCf('stonith_host * ssh Master1 master2\nstonith_host * external/ssh master1\nstonith_host master1 meatware master2');
    expect(r.diagnostics).toEqual([]);
    expect(r.settings.stonithDevices.map((d) => [d.hostFrom, d.type, d.driver, d.hosts])).toEqual([
      ['*', 'ssh', 'ssh', ['master1', 'master2']],
      ['*', 'external/ssh', 'ssh', ['master1']],
      ['master1', 'meatware', 'meatware', ['master2']],
    ]);
  });

  test('Heartbeat types hbd cannot drive: accepted with a warning naming the alternative', () => {
    const r = parseHaCf('stonith_host * ipmilan node2 10.0.0.12 623 md5 admin secret\nstonith_host * null node1 node2');
    expect(at(r.diagnostics)).toEqual(['ha.cf:1:16 HB_CFG_STONITH_UNSUPPORTED', 'ha.cf:2:16 HB_CFG_STONITH_UNSUPPORTED']);
    expect(r.diagnostics[0]?.hint).toContain('external/ipmi');
    expect(r.diagnostics[1]?.message).toContain('fails');
    expect(r.diagnostics[1]?.hint).toContain('meatware');
    expect(r.settings.stonithDevices.map((d) => d.driver)).toEqual(['unsupported', 'unsupported']);
    expect(r.settings.stonithHosts).toHaveLength(2); // fencing is on: fence orders fail (safe)
  });

  test.each([
    ['stonith_host *', 'ha.cf:1:14 HB_CFG_BAD_SYNTAX'],
    ['stonith_host', 'ha.cf:1:1 HB_CFG_BAD_SYNTAX'],
    ['stonith_host * frobnicator 1 2', 'ha.cf:1:16 HB_CFG_STONITH_UNKNOWN_TYPE'],
    ['stonith_host * ssh', 'ha.cf:1:16 HB_CFG_STONITH_PARAMS'],
    ['stonith_host * meatware', 'ha.cf:1:16 HB_CFG_STONITH_PARAMS'],
    ['stonith_host * meatware node1 //node2', 'ha.cf:1:31 HB_CFG_STONITH_PARAMS'],
    ['stonith_host * external/', 'ha.cf:1:16 HB_CFG_STONITH_PARAMS'],
    ['stonith_host * external/../bin/sh', 'ha.cf:1:16 HB_CFG_STONITH_PARAMS'],
    ['stonith_host node_1! external/ipmi', 'ha.cf:1:14 HB_CFG_BAD_NODE_NAME'],
  ])('%s → %s, and no device', (text, expected) => {
    const r = parseHaCf(text);
    expect(at(r.diagnostics)).toEqual([expected]);
    expect(r.settings.stonithDevices).toEqual([]);
    expect(r.settings.stonithHosts).toEqual([]);
  });
});

describe('fencing in the cluster configuration', () => {
  test('no stonith_host: no devices, defaults, fencing off', () => {
    const r = cluster('');
    expect(r.diagnostics).toEqual([]);
    expect(r.config?.fencing).toEqual({ devices: [], timeoutMs: 60000, delayMs: 0, pluginDirs: [] });
    expect(r.config?.stonithHosts).toEqual([]);
  });

  test('devices and the stonith_* extensions', () => {
    const r = cluster('stonith_host * external/ipmi x\nstonith_timeout 90\nstonith_delay 5\nstonith_plugin_dir /etc/ha.d/stonith');
    expect(r.diagnostics).toEqual([]);
    expect(r.config?.fencing).toMatchObject({ timeoutMs: 90000, delayMs: 5000, pluginDirs: ['/etc/ha.d/stonith'] });
    expect(r.config?.fencing?.devices).toHaveLength(1);
    expect(r.config?.stonithHosts).toEqual(['* external/ipmi x']);
  });

  test('a line for an unknown node is never used; a node without a device is pointed out', () => {
    const r = cluster('stonith_host mastr2 external/ipmi x');
    expect(at(r.diagnostics)).toEqual([`ha.cf:${lineOf}:14 HB_CFG_STONITH_HOST_UNKNOWN`, `ha.cf:${lineOf}:14 HB_CFG_STONITH_NO_DEVICE`]);
    expect(r.diagnostics[0]?.message).toContain('did you mean "master2"');
    expect(r.diagnostics[1]?.message).toContain('master1, master2 may use no device');
  });

  test('one line per node is enough', () => {
    expect(codes(cluster('stonith_host master1 external/ipmi master2\nstonith_host master2 external/ipmi master1').diagnostics)).toEqual([]);
    expect(cluster('stonith_host master1 meatware master2').diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('master2 may use no device')]);
  });

  test('the stonith_* settings are not cluster-wide (no digest change)', () => {
    expect(cluster('stonith_timeout 5').config?.digest).toBe(cluster('').config?.digest);
  });
});
