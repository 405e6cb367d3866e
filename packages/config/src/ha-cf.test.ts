import { describe, expect, test } from '@jest/globals';
import { parseHaCf } from './ha-cf';
import { DIRECTIVE_NAMES, DIRECTIVES } from './directive-table';
import type { HaCfSettings } from './ha-cf-settings';
import { at, codes, errors } from '../test/helpers';

const parse = (text: string) => parseHaCf(text);

describe('ha.cf lexical rules (Heartbeat config.c)', () => {
  test('comments anywhere, blank lines, leading blanks, CRLF', () => {
    const r = parse('# comment\n\n   keepalive 2 # two seconds\r\n\tdeadtime 30\r\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.settings.keepaliveMs?.value).toBe(2000);
    expect(r.settings.deadtimeMs?.value).toBe(30000);
  });

  test('option lists split on commas and blanks: "node a,b c" is three nodes', () => {
    const r = parse('node a,b c\nnode D');
    expect(r.settings.nodes.map((n) => n.value)).toEqual(['a', 'b', 'c', 'd']);
    expect(r.settings.nodes.map((n) => n.location.column)).toEqual([6, 8, 10, 6]);
  });

  test('directive names are case-sensitive', () => {
    const r = parse('Keepalive 2');
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'HB_CFG_UNKNOWN_DIRECTIVE', line: 1, column: 1, message: 'unknown directive "Keepalive" (did you mean "keepalive"?)', hint: 'directive names are case-sensitive' }),
    ]);
  });

  test('unknown directive with a did-you-mean', () => {
    const r = parse('keepalive 2\n\n\ndeadtme 30');
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'HB_CFG_UNKNOWN_DIRECTIVE', severity: 'error', line: 4, column: 1, endColumn: 8, message: 'unknown directive "deadtme" (did you mean "deadtime"?)', hint: 'write "deadtime"' })]);
  });

  test('unknown directive far from any name has no suggestion', () => {
    const r = parse('frobnicate yes');
    expect(r.diagnostics[0]?.message).toBe('unknown directive "frobnicate"');
  });

  test('a pasted "//" comment line is explained', () => {
    const r = parse('// heartbeat settings');
    expect(r.diagnostics[0]).toMatchObject({ code: 'HB_CFG_UNKNOWN_DIRECTIVE', hint: 'ha.cf comments start with "#" ("//" is not a comment)' });
  });

  test('"keepalive 500 ms" is two values, and "ms" is an error that says so', () => {
    const r = parse('keepalive 500 ms');
    // "500" is applied (500 seconds), then "ms" fails: one error, and it says how to fix it.
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'HB_CFG_BAD_TIME', line: 1, column: 15, hint: 'write "500ms" without a space' })]);
    expect(r.settings.keepaliveMs?.value).toBe(500000);
  });

  test('"keepalive 2 3": the last value wins, with a warning', () => {
    const r = parse('keepalive 2 3');
    expect(codes(r.diagnostics)).toEqual(['HB_CFG_DUPLICATE_DIRECTIVE']);
    expect(r.settings.keepaliveMs?.value).toBe(3000);
  });

  test('a directive set on two lines: last wins, warning points at the second', () => {
    const r = parse('deadtime 10\ndeadtime 20');
    expect(at(r.diagnostics)).toEqual(['ha.cf:2:10 HB_CFG_DUPLICATE_DIRECTIVE']);
    expect(r.diagnostics[0]?.message).toBe('deadtime is set again: "10" from line 1 is replaced by "20"');
    expect(r.settings.deadtimeMs?.value).toBe(20000);
  });

  test('a directive without a value is ignored with a warning', () => {
    const r = parse('keepalive');
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'HB_CFG_MISSING_VALUE', severity: 'warning', hint: 'e.g. "keepalive 2"' })]);
    expect(r.settings.keepaliveMs).toBeUndefined();
  });

  test('"udp" is the old name of bcast', () => {
    const r = parse('udp eth0');
    expect(codes(r.diagnostics)).toEqual(['HB_CFG_DEPRECATED']);
    expect(r.settings.media.map((m) => m.value)).toEqual([{ kind: 'bcast', iface: 'eth0', port: 694 }]);
  });

  test('lines longer than 5119 bytes are an error', () => {
    const r = parse(`node ${'a'.repeat(6000)}\nkeepalive 2`);
    expect(at(r.diagnostics)).toEqual(['ha.cf:1:1 HB_CFG_LINE_TOO_LONG']);
    expect(r.settings.keepaliveMs?.value).toBe(2000);
  });

  test('a NUL byte ends the line, as in C', () => {
    const r = parse('keepalive 2\0garbage');
    expect(r.diagnostics).toEqual([]);
    expect(r.settings.keepaliveMs?.value).toBe(2000);
  });

  test('whole-line directives keep commas', () => {
    const r = parse('apiauth ipfail uid=hacluster,root gid=haclient');
    expect(codes(r.diagnostics)).toEqual(['HB_CFG_NOT_IMPLEMENTED']);
    expect(r.settings.ignored.get('apiauth ipfail')?.value).toBe('ipfail uid=hacluster,root gid=haclient');
  });

  test('the seen map records every directive line', () => {
    const r = parse('node a\nnode b\nkeepalive 1');
    expect(r.settings.seen.get('node')?.map((l) => l.line)).toEqual([1, 2]);
  });
});

/** One accepted example per directive, with what it must produce. Checked to cover the whole table. */
const ACCEPTED: Record<string, { readonly text: string; readonly warn?: readonly string[]; readonly check?: (s: HaCfSettings) => void }> = {
  keepalive: { text: 'keepalive 1500ms', check: (s) => expect(s.keepaliveMs?.value).toBe(1500) },
  deadtime: { text: 'deadtime 15', check: (s) => expect(s.deadtimeMs?.value).toBe(15000) },
  warntime: { text: 'warntime 7.5', check: (s) => expect(s.warntimeMs?.value).toBe(7500) },
  initdead: { text: 'initdead 60', check: (s) => expect(s.initdeadMs?.value).toBe(60000) },
  deadping: { text: 'deadping 20000ms', check: (s) => expect(s.deadpingMs?.value).toBe(20000) },
  node: { text: 'node Master1 master2\nnode master3', check: (s) => expect(s.nodes.map((n) => n.value)).toEqual(['master1', 'master2', 'master3']) },
  cluster: { text: 'cluster web', check: (s) => expect(s.clusterName?.value).toBe('web') },
  auto_failback: { text: 'auto_failback YES', check: (s) => expect(s.autoFailback?.value).toBe('on') },
  nice_failback: { text: 'nice_failback on', warn: ['HB_CFG_DEPRECATED'], check: (s) => expect(s.autoFailback?.value).toBe('legacy') },
  logfile: { text: 'logfile /var/log/ha-log', check: (s) => expect(s.logfile?.value).toBe('/var/log/ha-log') },
  debugfile: { text: 'debugfile /var/log/ha-debug', check: (s) => expect(s.debugfile?.value).toBe('/var/log/ha-debug') },
  logfacility: { text: 'logfacility Local0', check: (s) => expect(s.logfacility?.value).toBe('local0') },
  debug: { text: 'debug 3', check: (s) => expect(s.debugLevel?.value).toBe(3) },
  start_timeout: { text: 'start_timeout 90', check: (s) => expect(s.startTimeoutMs?.value).toBe(90000) },
  stop_timeout: { text: 'stop_timeout 60', check: (s) => expect(s.stopTimeoutMs?.value).toBe(60000) },
  status_timeout: { text: 'status_timeout 2500ms', check: (s) => expect(s.statusTimeoutMs?.value).toBe(2500) },
  stop_retries: { text: 'stop_retries 0', check: (s) => expect(s.stopRetries?.value).toBe(0) },
  monitor_interval: { text: 'monitor_interval 0', check: (s) => expect(s.monitorIntervalMs?.value).toBe(0) },
  udpport: { text: 'udpport 695\nucast eth1 10.1.1.2', check: (s) => expect(s.media[0]?.value).toEqual({ kind: 'ucast', iface: 'eth1', peer: '10.1.1.2', port: 695 }) },
  bcast: {
    text: 'bcast eth0 eth1',
    check: (s) => expect(s.media.map((m) => m.value)).toEqual([{ kind: 'bcast', iface: 'eth0', port: 694 }, { kind: 'bcast', iface: 'eth1', port: 694 }]),
  },
  ucast: { text: 'ucast eth1 10.1.1.2\nucast eth1 peer.example.com', check: (s) => expect(s.media.map((m) => m.value.kind === 'ucast' && m.value.peer)).toEqual(['10.1.1.2', 'peer.example.com']) },
  mcast: { text: 'mcast eth1 239.192.0.42 694 1 0', check: (s) => expect(s.media[0]?.value).toEqual({ kind: 'mcast', iface: 'eth1', group: '239.192.0.42', port: 694, ttl: 1, loop: false }) },
  ucast6: { text: 'ucast6 eth1 fe80::1', warn: ['HB_CFG_NOT_IMPLEMENTED'], check: (s) => expect(s.media[0]?.value).toEqual({ kind: 'ucast6', raw: 'eth1 fe80::1' }) },
  mcast6: { text: 'mcast6 eth1 ff12::1:2:3:4 694 1 0', warn: ['HB_CFG_NOT_IMPLEMENTED'], check: (s) => expect(s.media[0]?.value.kind).toBe('mcast6') },
  serial: { text: 'serial /dev/ttyS0 /dev/ttyS1', warn: ['HB_CFG_NOT_IMPLEMENTED'], check: (s) => expect(s.media.map((m) => m.value)).toEqual([{ kind: 'serial', device: '/dev/ttyS0' }, { kind: 'serial', device: '/dev/ttyS1' }]) },
  baud: { text: 'baud 115200', warn: ['HB_CFG_NOT_IMPLEMENTED'], check: (s) => expect(s.ignored.get('baud')?.value).toBe('115200') },
  ping: { text: 'ping 192.168.42.1, gw.example.com', check: (s) => expect(s.pingTargets.map((p) => p.value)).toEqual([{ name: '192.168.42.1', kind: 'ping', addresses: ['192.168.42.1'] }, { name: 'gw.example.com', kind: 'ping', addresses: ['gw.example.com'] }]) },
  ping_group: { text: 'ping_group routers 10.0.0.1 10.0.0.2', check: (s) => expect(s.pingTargets[0]?.value).toEqual({ name: 'routers', kind: 'ping_group', addresses: ['10.0.0.1', '10.0.0.2'] }) },
  ping6: { text: 'ping6 2001:db8::1', warn: ['HB_CFG_NOT_IMPLEMENTED'], check: (s) => expect(s.pingTargets).toEqual([]) },
  hbaping: { text: 'hbaping fc0', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  hopfudge: { text: 'hopfudge 2', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  autojoin: { text: 'autojoin none', check: (s) => expect(s.autojoin?.value).toBe('none') },
  crm: { text: 'crm off', check: (s) => expect(s.pacemaker?.value).toBe('off') },
  pacemaker: { text: 'pacemaker no', check: (s) => expect(s.pacemaker?.value).toBe('no') },
  crm_daemon_dir: { text: 'crm_daemon_dir /usr/libexec/pacemaker', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  crmd_spawns_pengine: { text: 'crmd_spawns_pengine off', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  record_config_changes: { text: 'record_config_changes on', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  record_pengine_inputs: { text: 'record_pengine_inputs on', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  enable_config_writes: { text: 'enable_config_writes on', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  stonith: { text: 'stonith baytech /etc/ha.d/conf/stonith.baytech', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  stonith_host: {
    text: 'stonith_host * external/ipmi node2 10.0.0.12 admin secret lan',
    check: (s) => {
      expect(s.stonithHosts.map((h) => h.value)).toEqual(['* external/ipmi node2 10.0.0.12 admin secret lan']);
      expect(s.stonithDevices.map((d) => [d.hostFrom, d.driver, d.plugin, d.params])).toEqual([['*', 'external', 'ipmi', ['node2', '10.0.0.12', 'admin', 'secret', 'lan']]]);
    },
  },
  stonith_timeout: { text: 'stonith_timeout 90', check: (s) => expect(s.stonithTimeoutMs?.value).toBe(90000) },
  stonith_delay: { text: 'stonith_delay 0', check: (s) => expect(s.stonithDelayMs?.value).toBe(0) },
  stonith_plugin_dir: { text: 'stonith_plugin_dir /etc/ha.d/stonith', check: (s) => expect(s.stonithPluginDir?.value).toBe('/etc/ha.d/stonith') },
  watchdog: { text: 'watchdog /dev/watchdog', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  respawn: {
    text: 'respawn hacluster /usr/libexec/heartbeat/ipfail -v',
    warn: ['HB_CFG_NOT_IMPLEMENTED'],
    check: (s) => expect(s.respawn.map((r) => r.value)).toEqual([{ user: 'hacluster', command: '/usr/libexec/heartbeat/ipfail -v', failfast: false }]),
  },
  failfast: { text: 'failfast hacluster /usr/lib/heartbeat/ccm', warn: ['HB_CFG_NOT_IMPLEMENTED'], check: (s) => expect(s.respawn[0]?.value.failfast).toBe(true) },
  apiauth: { text: 'apiauth ipfail uid=hacluster', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  env: { text: 'env LANG=C, TZ=UTC', warn: ['HB_CFG_NOT_IMPLEMENTED'] }, // one warning per line, not per value
  realtime: { text: 'realtime on', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  rtprio: { text: 'rtprio 5', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  coredumps: { text: 'coredumps true', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  coreroot: { text: 'coreroot /var/lib/heartbeat/cores', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  use_apphbd: { text: 'use_apphbd no', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  memreserve: { text: 'memreserve 6500', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  use_logd: { text: 'use_logd yes', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  conn_logd_time: { text: 'conn_logd_time 60', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  syslogmsgfmt: { text: 'syslogmsgfmt false', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  log_badpack: { text: 'log_badpack false', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  hbgenmethod: { text: 'hbgenmethod time', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  uuidfrom: { text: 'uuidfrom nodename', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  msgfmt: { text: 'msgfmt netstring', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  compression: { text: 'compression bz2', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  compression_threshold: { text: 'compression_threshold 2', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  traditional_compression: { text: 'traditional_compression no', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  max_rexmit_delay: { text: 'max_rexmit_delay 250', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
  quorum_server: { text: 'quorum_server qs.example.com', warn: ['HB_CFG_NOT_IMPLEMENTED'] },
};

/** One rejected example per directive that validates its value. */
const REJECTED: Record<string, { readonly text: string; readonly code: string; readonly hint?: string }> = {
  keepalive: { text: 'keepalive 0', code: 'HB_CFG_OUT_OF_RANGE' },
  deadtime: { text: 'deadtime 10s', code: 'HB_CFG_BAD_TIME', hint: 'write "10" (seconds are the default unit)' },
  warntime: { text: 'warntime 0', code: 'HB_CFG_OUT_OF_RANGE' },
  initdead: { text: 'initdead -5', code: 'HB_CFG_BAD_TIME' },
  deadping: { text: 'deadping 1m', code: 'HB_CFG_BAD_TIME', hint: 'write "60" (seconds)' },
  node: { text: 'node //主节点', code: 'HB_CFG_BAD_NODE_NAME', hint: 'ha.cf comments start with "#" ("//" is not a comment)' },
  auto_failback: { text: 'auto_failback enable', code: 'HB_CFG_BAD_VALUE' },
  nice_failback: { text: 'nice_failback maybe', code: 'HB_CFG_BAD_BOOLEAN' },
  logfacility: { text: 'logfacility bogus', code: 'HB_CFG_BAD_VALUE' },
  debug: { text: 'debug 300', code: 'HB_CFG_OUT_OF_RANGE' },
  start_timeout: { text: 'start_timeout 0', code: 'HB_CFG_OUT_OF_RANGE' },
  stop_timeout: { text: 'stop_timeout 2m', code: 'HB_CFG_BAD_TIME' },
  status_timeout: { text: 'status_timeout x', code: 'HB_CFG_BAD_TIME' },
  stop_retries: { text: 'stop_retries -1', code: 'HB_CFG_BAD_NUMBER' },
  monitor_interval: { text: 'monitor_interval 10sec', code: 'HB_CFG_BAD_TIME' },
  udpport: { text: 'udpport 0', code: 'HB_CFG_OUT_OF_RANGE' },
  bcast: { text: 'bcast 10.0.0.1', code: 'HB_CFG_BAD_VALUE' },
  ucast: { text: 'ucast eth1', code: 'HB_CFG_BAD_SYNTAX' },
  mcast: { text: 'mcast eth1 10.1.1.1 694 1 0', code: 'HB_CFG_BAD_ADDRESS' },
  ucast6: { text: 'ucast6 eth1', code: 'HB_CFG_BAD_SYNTAX' },
  mcast6: { text: 'mcast6 eth1 ff12::1', code: 'HB_CFG_BAD_SYNTAX' },
  serial: { text: 'serial ttyS0', code: 'HB_CFG_BAD_PATH' },
  baud: { text: 'baud 1234', code: 'HB_CFG_BAD_VALUE' },
  ping: { text: 'ping 192.168.42.300', code: 'HB_CFG_BAD_ADDRESS' },
  ping_group: { text: 'ping_group routers', code: 'HB_CFG_BAD_SYNTAX' },
  hopfudge: { text: 'hopfudge 256', code: 'HB_CFG_OUT_OF_RANGE' },
  autojoin: { text: 'autojoin any', code: 'HB_CFG_UNSUPPORTED_MODE' },
  crm: { text: 'crm respawn', code: 'HB_CFG_UNSUPPORTED_MODE' },
  pacemaker: { text: 'pacemaker on', code: 'HB_CFG_UNSUPPORTED_MODE' },
  crmd_spawns_pengine: { text: 'crmd_spawns_pengine perhaps', code: 'HB_CFG_BAD_BOOLEAN' },
  record_config_changes: { text: 'record_config_changes x', code: 'HB_CFG_BAD_BOOLEAN' },
  record_pengine_inputs: { text: 'record_pengine_inputs x', code: 'HB_CFG_BAD_BOOLEAN' },
  enable_config_writes: { text: 'enable_config_writes x', code: 'HB_CFG_BAD_BOOLEAN' },
  stonith: { text: 'stonith', code: 'HB_CFG_BAD_SYNTAX' },
  stonith_host: { text: 'stonith_host *', code: 'HB_CFG_BAD_SYNTAX' },
  stonith_timeout: { text: 'stonith_timeout 0', code: 'HB_CFG_OUT_OF_RANGE' },
  stonith_delay: { text: 'stonith_delay 5s', code: 'HB_CFG_BAD_TIME' },
  stonith_plugin_dir: { text: 'stonith_plugin_dir stonith', code: 'HB_CFG_BAD_PATH' },
  watchdog: { text: 'watchdog watchdog0', code: 'HB_CFG_BAD_PATH' },
  respawn: { text: 'respawn hacluster ipfail', code: 'HB_CFG_BAD_PATH' },
  failfast: { text: 'failfast hacluster', code: 'HB_CFG_BAD_SYNTAX' },
  apiauth: { text: 'apiauth ipfail', code: 'HB_CFG_BAD_SYNTAX' },
  env: { text: 'env LANG', code: 'HB_CFG_BAD_SYNTAX' },
  realtime: { text: 'realtime sometimes', code: 'HB_CFG_BAD_BOOLEAN' },
  rtprio: { text: 'rtprio 100', code: 'HB_CFG_OUT_OF_RANGE' },
  coredumps: { text: 'coredumps 2', code: 'HB_CFG_BAD_BOOLEAN' },
  use_apphbd: { text: 'use_apphbd x', code: 'HB_CFG_BAD_BOOLEAN' },
  memreserve: { text: 'memreserve lots', code: 'HB_CFG_BAD_NUMBER' },
  use_logd: { text: 'use_logd x', code: 'HB_CFG_BAD_BOOLEAN' },
  conn_logd_time: { text: 'conn_logd_time 0', code: 'HB_CFG_OUT_OF_RANGE' },
  syslogmsgfmt: { text: 'syslogmsgfmt x', code: 'HB_CFG_BAD_BOOLEAN' },
  log_badpack: { text: 'log_badpack x', code: 'HB_CFG_BAD_BOOLEAN' },
  hbgenmethod: { text: 'hbgenmethod bogus', code: 'HB_CFG_BAD_VALUE' },
  uuidfrom: { text: 'uuidfrom disk', code: 'HB_CFG_BAD_VALUE' },
  msgfmt: { text: 'msgfmt json', code: 'HB_CFG_BAD_VALUE' },
  compression: { text: 'compression gzip', code: 'HB_CFG_BAD_VALUE' },
  compression_threshold: { text: 'compression_threshold 0', code: 'HB_CFG_OUT_OF_RANGE' },
  traditional_compression: { text: 'traditional_compression x', code: 'HB_CFG_BAD_BOOLEAN' },
  max_rexmit_delay: { text: 'max_rexmit_delay 0', code: 'HB_CFG_OUT_OF_RANGE' },
};

describe('every directive of the table', () => {
  test('the accepted examples cover every directive', () => {
    expect(Object.keys(ACCEPTED).sort()).toEqual([...DIRECTIVE_NAMES].sort());
  });

  test.each(DIRECTIVES.map((d) => [d.name, d] as const))('%s: accepted example', (name) => {
    const sample = ACCEPTED[name];
    if (sample === undefined) throw new Error(`no accepted example for ${name}`);
    const r = parse(sample.text);
    expect(codes(r.diagnostics)).toEqual(sample.warn ?? []);
    sample.check?.(r.settings);
  });

  test.each(DIRECTIVES.map((d) => [d.name, d] as const))('%s: the table entry documents itself and its example parses cleanly', (_name, d) => {
    expect(d.summary.length).toBeGreaterThan(10);
    expect(d.heartbeat.length).toBeGreaterThan(5);
    expect(d.hbd.length).toBeGreaterThan(2);
    expect(d.example.startsWith(`${d.name} `)).toBe(true);
    expect(errors(parse(d.example).diagnostics)).toEqual([]);
  });

  test('directives accepted but not implemented always warn, implemented ones never do', () => {
    for (const d of DIRECTIVES) {
      const warned = codes(parse(ACCEPTED[d.name]?.text ?? '').diagnostics).includes('HB_CFG_NOT_IMPLEMENTED');
      if (d.support !== 'not-implemented') expect([d.name, warned]).toEqual([d.name, false]);
    }
    // realtime/use_logd/hbgenmethod warn only for the values hbd does not honour
    expect(parse('realtime off').diagnostics).toEqual([]);
    expect(parse('use_logd no').diagnostics).toEqual([]);
    expect(parse('hbgenmethod file').diagnostics).toEqual([]);
  });

  test.each(Object.entries(REJECTED))('%s: rejected example', (_name, sample) => {
    const r = parse(sample.text);
    expect(codes(r.diagnostics)).toContain(sample.code);
    const d = r.diagnostics.find((x) => x.code === sample.code);
    expect(d?.line).toBe(1);
    if (sample.hint !== undefined) expect(d?.hint).toBe(sample.hint);
  });
});

describe('directive details', () => {
  test('nice_failback after auto_failback on|off means off (Heartbeat\'s mapping)', () => {
    const r = parse('auto_failback on\nnice_failback on');
    expect(r.settings.autoFailback?.value).toBe('off');
    expect(r.diagnostics[0]?.message).toBe('nice_failback is obsolete: Heartbeat reads "nice_failback on" as "auto_failback off"');
  });

  test('auto_failback legacy is accepted with a deprecation warning', () => {
    const r = parse('auto_failback Legacy');
    expect(r.settings.autoFailback?.value).toBe('legacy');
    expect(codes(r.diagnostics)).toEqual(['HB_CFG_DEPRECATED']);
  });

  test('udpport after a ucast line keeps the old port for that line, with a warning', () => {
    const r = parse('ucast eth1 10.1.1.2\nudpport 700\nbcast eth2');
    expect(at(r.diagnostics)).toEqual(['ha.cf:2:9 HB_CFG_UDPPORT_AFTER_MEDIA']);
    expect(r.diagnostics[0]?.message).toBe('udpport 700 comes after the ucast line 1, which keeps port 694');
    expect(r.settings.media.map((m) => 'port' in m.value && m.value.port)).toEqual([694, 700]);
  });

  test('mcast checks every field', () => {
    expect(codes(parse('mcast eth1 239.0.0.1 694 1').diagnostics)).toEqual(['HB_CFG_BAD_SYNTAX']);
    expect(codes(parse('mcast eth1 239.0.0.1 694 5 0').diagnostics)).toEqual(['HB_CFG_OUT_OF_RANGE']);
    expect(codes(parse('mcast eth1 239.0.0.1 694 1 2').diagnostics)).toEqual(['HB_CFG_BAD_VALUE']);
    expect(codes(parse('mcast eth1 239.0.0.1 70000 1 0').diagnostics)).toEqual(['HB_CFG_OUT_OF_RANGE']);
    expect(codes(parse('mcast eth1 239.0.0.1 694 1 1 extra').diagnostics)).toEqual(['HB_CFG_EXTRA_VALUE']);
  });

  test('ucast: swapped fields, bad peer, extra words', () => {
    expect(parse('ucast 10.1.1.2 eth1').diagnostics[0]).toMatchObject({ code: 'HB_CFG_BAD_SYNTAX', hint: 'write "ucast eth1 10.1.1.2"' });
    expect(parse('ucast eth1 10.1.1.256').diagnostics[0]).toMatchObject({ code: 'HB_CFG_BAD_ADDRESS', column: 12 });
    expect(parse('ucast eth1 10.1.1.2 //心跳').diagnostics[0]).toMatchObject({ code: 'HB_CFG_EXTRA_VALUE', column: 21, hint: 'ha.cf comments start with "#" ("//" is not a comment)' });
    expect(parse('ucast').diagnostics[0]).toMatchObject({ code: 'HB_CFG_BAD_SYNTAX', column: 1 });
  });

  test('baud and watchdog may appear only once', () => {
    expect(at(parse('baud 9600\nbaud 19200').diagnostics).filter((x) => x.includes('ONCE'))).toEqual(['ha.cf:2:6 HB_CFG_ONCE_ONLY']);
    expect(codes(parse('watchdog /dev/watchdog /dev/watchdog1').diagnostics)).toContain('HB_CFG_ONCE_ONLY');
    expect(codes(parse('crm off\npacemaker off').diagnostics)).toEqual(['HB_CFG_ONCE_ONLY']);
  });

  test('duplicate nodes and ping targets are reported and dropped', () => {
    const r = parse('node a b\nnode A\nping 1.2.3.4\nping 1.2.3.4');
    expect(at(r.diagnostics)).toEqual(['ha.cf:2:6 HB_CFG_DUPLICATE_NODE', 'ha.cf:4:6 HB_CFG_DUPLICATE_PING']);
    expect(r.settings.nodes.map((n) => n.value)).toEqual(['a', 'b']);
    expect(r.settings.pingTargets).toHaveLength(1);
  });

  test('more than 100 nodes is an error', () => {
    const names = Array.from({ length: 101 }, (_, i) => `n${i}`).join(' ');
    expect(codes(parse(`node ${names}`).diagnostics)).toEqual(['HB_CFG_TOO_MANY_NODES']);
  });

  test('apiauth syntax follows Heartbeat', () => {
    expect(codes(parse('apiauth ipfail uid=a uid=b').diagnostics)).toEqual(['HB_CFG_BAD_SYNTAX']);
    expect(codes(parse('apiauth ipfail user=a').diagnostics)).toEqual(['HB_CFG_BAD_SYNTAX']);
    expect(codes(parse('apiauth').diagnostics)).toEqual(['HB_CFG_BAD_SYNTAX']);
    expect(codes(parse('apiauth x uid=a\napiauth x gid=b').diagnostics)).toEqual(['HB_CFG_NOT_IMPLEMENTED', 'HB_CFG_BAD_SYNTAX']);
  });

  test('respawn of ipfail explains that hbd does not need it', () => {
    const d = parse('respawn hacluster /usr/lib64/heartbeat/ipfail').diagnostics[0];
    expect(d?.hint).toContain('ping quorum');
  });

  test('unusual but accepted time values warn', () => {
    const r = parse('keepalive 1.2.3');
    expect(codes(r.diagnostics)).toEqual(['HB_CFG_TIME_UNUSUAL']);
    expect(r.settings.keepaliveMs?.value).toBe(1200);
  });
});
