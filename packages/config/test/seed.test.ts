// The seed tutorial's configuration (test/fixtures/seed, see its README), read as written.
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, parseAuthkeys, parseClusterConfig, parseHaCf, parseHaresources } from '../src/index';

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures/seed', name), 'utf8');
const FIXED_AUTHKEYS = 'auth 3\n3 md5 Hello!\n';

describe('the seed tutorial (heartbeat-nginx-drbd)', () => {
  test.each(['master1.ha.cf', 'master2.ha.cf'])('%s is accepted as written; the only remark is about respawn ipfail', (name) => {
    const r = parseHaCf(fixture(name));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'ha.cf:14:1: warning HB_CFG_NOT_IMPLEMENTED: respawn is accepted but hbd does not run respawn programs yet: "/usr/lib64/heartbeat/ipfail" will not be started\n' +
        '  hint: hbd does not need ipfail: its ping quorum (the ping lines) decides failover when a node loses its network',
    ]);
  });

  test.each(['haresources', 'haresources.mysqld', 'haresources.drbd'])('%s is accepted as written', (name) => {
    const r = parseHaresources(fixture(name));
    expect(r.diagnostics).toEqual([]);
    expect(r.groups).toHaveLength(1);
  });

  test('the drbd group starts left to right: VIP, nginx, DRBD, filesystem', () => {
    const g = parseHaresources(fixture('haresources.drbd')).groups[0];
    expect(g?.id).toBe('IPaddr::192.168.42.14/25/eth0:0');
    expect(g?.resources.map((r) => [r.name, r.args])).toEqual([
      ['IPaddr', ['192.168.42.14/25/eth0:0']],
      ['nginx', []],
      ['drbddisk', ['r0']],
      ['Filesystem', ['/dev/drbd0', '/store', 'ext4']],
    ]);
  });

  test('its authkeys lost the key index (Heartbeat rejects it too): one error with the fixed line', () => {
    expect(parseAuthkeys(fixture('authkeys')).diagnostics.map(formatDiagnostic)).toEqual([
      'authkeys:2:1: error HB_CFG_AUTHKEYS_SYNTAX: key line "md5 Hello!" has no index\n  hint: write "3 md5 Hello!" (index first, as "auth 3" expects)',
    ]);
  });

  test('with that one line fixed, both nodes get a config with the same digest', () => {
    const m1 = parseClusterConfig({ haCf: fixture('master1.ha.cf'), haresources: fixture('haresources.drbd'), authkeys: FIXED_AUTHKEYS, localNode: { name: 'master1', source: 'test' } });
    const m2 = parseClusterConfig({ haCf: fixture('master2.ha.cf'), haresources: fixture('haresources.drbd'), authkeys: FIXED_AUTHKEYS, localNode: { name: 'master2', source: 'test' } });
    expect(m1.diagnostics.map((d) => d.code)).toEqual(['HB_CFG_NOT_IMPLEMENTED']);
    expect(m1.config).toMatchObject({ keepaliveMs: 2000, deadtimeMs: 30000, warntimeMs: 10000, initdeadMs: 60000, udpPort: 694, autoFailback: 'on', nodes: ['master1', 'master2'] });
    expect(m1.config?.media).toEqual([{ kind: 'ucast', iface: 'eth1', peer: '10.1.1.2', port: 694 }]);
    expect(m2.config?.media).toEqual([{ kind: 'ucast', iface: 'eth1', peer: '10.1.1.1', port: 694 }]);
    expect(m1.config?.digest).toBe(m2.config?.digest);
  });

  test('pasted with the tutorial\'s "//" annotations, every broken line is reported with the "#" hint', () => {
    const r = parseHaCf(fixture('master1.ha.cf.as-pasted'));
    const byLine = r.diagnostics.map((d) => `${d.line} ${d.severity} ${d.code}`);
    expect(byLine).toEqual([
      '1 warning HB_CFG_DUPLICATE_DIRECTIVE', // debugfile gets the comment as a second path
      '2 warning HB_CFG_DUPLICATE_DIRECTIVE',
      '4 error HB_CFG_BAD_TIME',
      '5 error HB_CFG_BAD_TIME',
      '6 error HB_CFG_BAD_TIME',
      '7 error HB_CFG_BAD_TIME',
      '8 error HB_CFG_BAD_NUMBER',
      '9 warning HB_CFG_EXTRA_VALUE',
      '10 error HB_CFG_BAD_VALUE',
      '11 error HB_CFG_BAD_NODE_NAME',
      '13 error HB_CFG_BAD_ADDRESS',
      '14 warning HB_CFG_NOT_IMPLEMENTED',
    ]);
    for (const d of r.diagnostics.filter((x) => x.code !== 'HB_CFG_NOT_IMPLEMENTED')) expect(d.hint).toBe('ha.cf comments start with "#" ("//" is not a comment)');
  });
});
