// Every diagnostic code, triggered once through the full loader. The Record type makes the
// compiler insist on an entry per code; each entry must produce its code at the stated place.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, rmSync } from 'node:fs';
import { type Diagnostic, type DiagnosticCode, ALL_DIAGNOSTIC_CODES } from '@hbd/config';
import { loadClusterConfig, loadClusterConfigSet } from '../src/index';
import { AUTHKEYS, HA_CF, HARESOURCES, type TmpTree, clusterTree } from './tmp-config';

const trees: TmpTree[] = [];
afterAll(() => trees.forEach((t) => t.remove()));

interface Setup {
  haCf?: string;
  haresources?: string;
  authkeys?: string;
  authkeysMode?: number;
  node?: string;
  prepare?: (t: TmpTree) => void;
  /** Check a set of node directories alpha/ and beta/ instead, beta with this ha.cf. */
  betaHaCf?: string;
}

function run(s: Setup): Diagnostic[] {
  const t = clusterTree({ haCf: s.haCf ?? HA_CF, haresources: s.haresources ?? HARESOURCES, authkeys: s.authkeys ?? AUTHKEYS, authkeysMode: s.authkeysMode ?? 0o600 });
  trees.push(t);
  s.prepare?.(t);
  if (s.betaHaCf !== undefined) {
    for (const node of ['alpha', 'beta']) {
      t.file(`set/${node}/ha.cf`, node === 'beta' ? s.betaHaCf : HA_CF);
      t.file(`set/${node}/haresources`, HARESOURCES);
      t.file(`set/${node}/authkeys`, AUTHKEYS, 0o600);
    }
    const set = loadClusterConfigSet({ configDir: t.path('set'), agentsDir: t.path('agents'), initDir: t.path('init.d'), netDir: t.path('net') });
    return [...set.diagnostics, ...set.members.flatMap((m) => m.result.diagnostics)];
  }
  return [...loadClusterConfig({ configDir: t.path('etc'), agentsDir: t.path('agents'), initDir: t.path('init.d'), netDir: t.path('net'), node: s.node ?? 'alpha' }).diagnostics];
}
const haCf = (extra: string): Setup => ({ haCf: `${HA_CF}${extra}\n` });
const replaced = (from: string, to: string): Setup => ({ haCf: HA_CF.replace(from, to) });
const lastLine = HA_CF.split('\n').length; // the line an appended directive lands on

/** [setup, where the diagnostic must point ("file:line", line 0 = whole file)]. */
const TRIGGERS: Record<DiagnosticCode, [Setup, string]> = {
  HB_CFG_DIR_MISSING: [{ prepare: (t) => rmSync(t.path('etc'), { recursive: true }) }, 'etc:0'],
  HB_CFG_FILE_MISSING: [{ prepare: (t) => rmSync(t.path('etc/haresources')) }, 'haresources:0'],
  HB_CFG_FILE_UNREADABLE: [{ prepare: (t) => (rmSync(t.path('etc/authkeys')), mkdirSync(t.path('etc/authkeys'))) }, 'authkeys:0'],
  HB_CFG_AUTHKEYS_MODE: [{ authkeysMode: 0o644 }, 'authkeys:0'],
  HB_CFG_AGENT_NOT_FOUND: [{ haresources: 'alpha nginx\n' }, 'haresources:1'],
  HB_CFG_LSB_ARGS: [{ haresources: 'alpha web::x\n' }, 'haresources:1'],
  HB_CFG_IFACE_MISSING: [haCf('bcast eth7'), `ha.cf:${lastLine}`],
  HB_CFG_RESPAWN_NOT_EXECUTABLE: [haCf('respawn hacluster /no/such/ipfail'), `ha.cf:${lastLine}`],
  HB_CFG_NODES_DISAGREE: [{ betaHaCf: HA_CF.replace('deadtime 30', 'deadtime 40') }, 'beta:0'],
  HB_CFG_UNKNOWN_DIRECTIVE: [haCf('deadtme 30'), `ha.cf:${lastLine}`],
  HB_CFG_LINE_TOO_LONG: [haCf(`node ${'x'.repeat(5200)}`), `ha.cf:${lastLine}`],
  HB_CFG_MISSING_VALUE: [haCf('warntime'), `ha.cf:${lastLine}`],
  HB_CFG_BAD_TIME: [haCf('warntime 10s'), `ha.cf:${lastLine}`],
  HB_CFG_TIME_UNUSUAL: [haCf('warntime 1.0.0'), `ha.cf:${lastLine}`],
  HB_CFG_BAD_BOOLEAN: [haCf('realtime sure'), `ha.cf:${lastLine}`],
  HB_CFG_BAD_NUMBER: [haCf('debug high'), `ha.cf:${lastLine}`],
  HB_CFG_OUT_OF_RANGE: [haCf('debug 256'), `ha.cf:${lastLine}`],
  HB_CFG_BAD_VALUE: [haCf('logfacility local8'), `ha.cf:${lastLine}`],
  HB_CFG_BAD_ADDRESS: [haCf('ping 10.0.0.256'), `ha.cf:${lastLine}`],
  HB_CFG_BAD_SYNTAX: [haCf('ucast lo'), `ha.cf:${lastLine}`],
  HB_CFG_BAD_NODE_NAME: [haCf('node //备'), `ha.cf:${lastLine}`],
  HB_CFG_EXTRA_VALUE: [haCf('ucast lo 127.0.0.2 extra'), `ha.cf:${lastLine}`],
  HB_CFG_DUPLICATE_DIRECTIVE: [haCf('keepalive 1'), `ha.cf:${lastLine}`],
  HB_CFG_ONCE_ONLY: [haCf('baud 9600 19200'), `ha.cf:${lastLine}`],
  HB_CFG_DUPLICATE_NODE: [haCf('node beta'), `ha.cf:${lastLine}`],
  HB_CFG_DUPLICATE_PING: [haCf('ping 127.0.0.1'), `ha.cf:${lastLine}`],
  HB_CFG_TOO_MANY_NODES: [haCf(`node ${Array.from({ length: 99 }, (_, i) => `n${i}`).join(' ')}`), `ha.cf:${lastLine}`],
  HB_CFG_NOT_IMPLEMENTED: [haCf('stonith baytech /etc/ha.d/conf/stonith.baytech'), `ha.cf:${lastLine}`],
  HB_CFG_STONITH_UNKNOWN_TYPE: [haCf('stonith_host * frobnicator 10.0.0.3'), `ha.cf:${lastLine}`],
  HB_CFG_STONITH_UNSUPPORTED: [haCf('stonith_host * baytech 10.0.0.3 login secret'), `ha.cf:${lastLine}`],
  HB_CFG_STONITH_PARAMS: [haCf('stonith_host * meatware'), `ha.cf:${lastLine}`],
  HB_CFG_STONITH_HOST_UNKNOWN: [haCf('stonith_host gamma meatware alpha\nstonith_host * meatware alpha beta'), `ha.cf:${lastLine}`],
  HB_CFG_STONITH_NO_DEVICE: [haCf('stonith_host alpha meatware beta'), `ha.cf:${lastLine}`],
  HB_CFG_DEPRECATED: [haCf('nice_failback on'), `ha.cf:${lastLine}`],
  HB_CFG_UNSUPPORTED_MODE: [haCf('crm respawn'), `ha.cf:${lastLine}`],
  HB_CFG_UDPPORT_AFTER_MEDIA: [haCf('udpport 700'), `ha.cf:${lastLine}`],
  HB_CFG_BAD_PATH: [haCf('respawn hacluster ipfail'), `ha.cf:${lastLine}`],
  HB_CFG_NO_MEDIA: [replaced('ucast lo 127.0.0.1', ''), 'ha.cf:0'],
  HB_CFG_NO_NODES: [{ ...replaced('node alpha beta', ''), haresources: '' }, 'ha.cf:0'],
  HB_CFG_ONE_NODE: [{ ...replaced('node alpha beta', 'node alpha') }, 'ha.cf:8'],
  HB_CFG_NO_PING: [replaced('ping 127.0.0.1', ''), 'ha.cf:0'],
  HB_CFG_LOCAL_NODE_NOT_LISTED: [{ node: 'gamma' }, 'ha.cf:0'],
  HB_CFG_DEADTIME_TOO_SMALL: [replaced('deadtime 30', 'deadtime 4'), 'ha.cf:2'],
  HB_CFG_DEADPING_TOO_SMALL: [haCf('deadping 3'), `ha.cf:${lastLine}`],
  HB_CFG_WARNTIME_TOO_SMALL: [replaced('warntime 10', 'warntime 1'), 'ha.cf:3'],
  HB_CFG_WARNTIME_TOO_LARGE: [replaced('warntime 10', 'warntime 40'), 'ha.cf:3'],
  HB_CFG_INITDEAD_BELOW_DEADTIME: [replaced('initdead 60', 'initdead 29'), 'ha.cf:4'],
  HB_CFG_INITDEAD_SHORT: [replaced('initdead 60', 'initdead 59'), 'ha.cf:4'],
  HB_CFG_GROUP_NODE_UNKNOWN: [{ haresources: 'gamma web\n' }, 'haresources:1'],
  HB_CFG_EMPTY_GROUP: [{ haresources: `${HARESOURCES}beta\n` }, 'haresources:2'],
  HB_CFG_NO_GROUPS: [{ haresources: '# none\n' }, 'haresources:0'],
  HB_CFG_BAD_RESOURCE_TOKEN: [{ haresources: `${HARESOURCES}beta ::x\n` }, 'haresources:2'],
  HB_CFG_EMPTY_ARGUMENT: [{ haresources: 'alpha web::::x\n' }, 'haresources:1'],
  HB_CFG_DUPLICATE_RESOURCE: [{ haresources: `${HARESOURCES}beta web\n` }, 'haresources:2'],
  HB_CFG_BAD_IPADDR: [{ haresources: 'alpha 10.213.0.999 web\n' }, 'haresources:1'],
  HB_CFG_AGENT_ARGS: [{ haresources: 'alpha IPaddr web\n' }, 'haresources:1'],
  HB_CFG_CONTINUATION_SPACE: [{ haresources: 'alpha IPaddr::10.213.0.10 \\ \nbeta web\n' }, 'haresources:1'],
  HB_CFG_AUTHKEYS_SYNTAX: [{ authkeys: 'auth 1\nsha1 TestSecret\n' }, 'authkeys:2'],
  HB_CFG_AUTHKEYS_BAD_INDEX: [{ authkeys: 'auth 1\n1 sha1 k\n16 sha1 k\n' }, 'authkeys:3'],
  HB_CFG_AUTHKEYS_BAD_METHOD: [{ authkeys: 'auth 1\n1 sha1 k\n2 sha256 k\n' }, 'authkeys:3'],
  HB_CFG_AUTHKEYS_KEY_MISSING: [{ authkeys: 'auth 1\n1 sha1 k\n2 md5\n' }, 'authkeys:3'],
  HB_CFG_AUTHKEYS_CRC_KEY: [{ authkeys: 'auth 1\n1 sha1 k\n2 crc k\n' }, 'authkeys:3'],
  HB_CFG_AUTHKEYS_NO_AUTH: [{ authkeys: '1 sha1 k\n' }, 'authkeys:0'],
  HB_CFG_AUTHKEYS_DUPLICATE_AUTH: [{ authkeys: 'auth 1\nauth 1\n1 sha1 k\n' }, 'authkeys:2'],
  HB_CFG_AUTHKEYS_AUTH_AFTER_KEY: [{ authkeys: '1 sha1 k\nauth 1\n' }, 'authkeys:2'],
  HB_CFG_AUTHKEYS_KEY_NOT_FOUND: [{ authkeys: 'auth 2\n1 sha1 k\n' }, 'authkeys:1'],
  HB_CFG_AUTHKEYS_DUPLICATE_INDEX: [{ authkeys: 'auth 1\n1 sha1 k\n1 sha1 j\n' }, 'authkeys:3'],
  HB_CFG_AUTHKEYS_CRC: [{ authkeys: 'auth 1\n1 crc\n' }, 'authkeys:2'],
  HB_CFG_AUTHKEYS_KEY_TRUNCATED: [{ authkeys: 'auth 1\n1 sha1 two words\n' }, 'authkeys:2'],
};

describe('every diagnostic code can be produced', () => {
  test('the trigger table covers the registry', () => {
    expect(Object.keys(TRIGGERS).sort()).toEqual([...ALL_DIAGNOSTIC_CODES].sort());
  });

  test.each(Object.entries(TRIGGERS))('%s', (code, [setup, where]) => {
    const found = run(setup).filter((d) => d.code === code);
    expect(found.map((d) => `${d.file.replace(/^.*\//, '')}:${d.line}`)).toContain(where);
    for (const d of found) {
      expect(d.message.length).toBeGreaterThan(10);
      expect([code, (d.hint ?? '').length > 5]).toEqual([code, true]); // every diagnostic says how to fix it
    }
  });

  test('the base configuration of these triggers is itself clean, alone and as a set', () => {
    expect(run({})).toEqual([]);
    expect(run({ betaHaCf: HA_CF })).toEqual([]);
  });
});
