import { describe, expect } from '@jest/globals';
import { fc, test } from '@fast-check/jest';
import type { ClusterConfig, Diagnostic, Medium, PingTarget, ResourceGroup } from './model';
import { parseHaCf } from './ha-cf';
import { parseHaresources } from './haresources';
import { parseAuthkeys } from './authkeys';
import { parseClusterConfig } from './cluster-config';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from './diagnostic-codes';
import { DIRECTIVE_NAMES } from './directive-table';
import { configDigest } from './digest';
import { printClusterConfig } from './print';
import { errors } from '../test/helpers';

// Text that is either raw bytes (decoded as UTF-8, so invalid sequences become U+FFFD) or built
// from the pieces these grammars care about, to reach deep into the parsers.
const bytesText = fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('utf8'));
const latin1Text = fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('latin1'));
const piece = fc.oneof(
  fc.constantFrom(...DIRECTIVE_NAMES, 'udp', 'auth', 'sha1', 'md5', 'crc', 'IPaddr', 'Filesystem', 'drbddisk', '10.0.0.1/24/eth0', 'node1'),
  fc.constantFrom(' ', '\t', ',', '\n', '\r\n', '#', '\\', '::', '//', '\0', '\f', 'ms', 'us', '.', '0', '15', '16', '-1', '300', '999999999999999999999'),
  fc.string({ maxLength: 8 }),
);
const structuredText = fc.array(piece, { maxLength: 80 }).map((parts) => parts.join(''));
const anyText = fc.oneof(bytesText, latin1Text, structuredText);

function wellFormed(diagnostics: readonly Diagnostic[], text: string): void {
  const lines = text.split('\n').length;
  for (const d of diagnostics) {
    const info = DIAGNOSTIC_CODES[d.code as DiagnosticCode];
    expect(info).toBeDefined();
    expect(d.severity).toBe(info.severity);
    expect(d.line).toBeGreaterThanOrEqual(0);
    expect(d.line).toBeLessThanOrEqual(lines);
    expect(d.message.length).toBeGreaterThan(0);
    expect([d.code, (d.hint ?? '').length > 0]).toEqual([d.code, true]); // every diagnostic says how to fix it
  }
}

describe('the parsers never throw and only emit well-formed, registered diagnostics', () => {
  test.prop([anyText], { numRuns: 400 })('ha.cf', (text) => {
    wellFormed(parseHaCf(text).diagnostics, text);
  });
  test.prop([anyText], { numRuns: 400 })('haresources', (text) => {
    wellFormed(parseHaresources(text).diagnostics, text);
  });
  test.prop([anyText, fc.option(fc.integer({ min: 0, max: 0o7777 }), { nil: undefined })], { numRuns: 400 })('authkeys', (text, mode) => {
    wellFormed(parseAuthkeys(text, mode === undefined ? {} : { mode }).diagnostics, text);
  });
  test.prop([anyText, anyText, anyText, fc.option(fc.string({ maxLength: 12 }), { nil: undefined })], { numRuns: 200 })('all three together', (haCf, haresources, authkeys, local) => {
    const r = parseClusterConfig({ haCf, haresources, authkeys, ...(local === undefined ? {} : { localNode: { name: local, source: 'test' } }) });
    expect(r.config === undefined).toBe(errors(r.diagnostics).length > 0);
    expect(r.normalized.digest).toMatch(/^[0-9a-f]{16}$/);
  });
});

// ---- print → parse round trip ----

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
const nodeName = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
const ipv4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((p) => p.join('.'));
const iface = fc.constantFrom('eth0', 'eth1', 'bond0', 'ens33', 'eth0.100');
const port = fc.integer({ min: 1, max: 65535 });

const medium: fc.Arbitrary<Medium> = fc.oneof(
  fc.record({ kind: fc.constant('ucast' as const), iface, peer: ipv4, port }),
  fc.record({ kind: fc.constant('bcast' as const), iface, port }),
  fc.record({
    kind: fc.constant('mcast' as const),
    iface,
    group: fc.tuple(fc.integer({ min: 224, max: 239 }), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.')),
    port,
    ttl: fc.integer({ min: 0, max: 4 }),
    loop: fc.boolean(),
  }),
);

const pingTarget: fc.Arbitrary<PingTarget> = fc.oneof(
  ipv4.map((a) => ({ name: a, kind: 'ping' as const, addresses: [a] })),
  fc.tuple(label, fc.array(ipv4, { minLength: 1, maxLength: 3 })).map(([name, addresses]) => ({ name: `grp-${name}`, kind: 'ping_group' as const, addresses })),
);

const arg = fc.stringMatching(/^[A-Za-z0-9_./=-]{1,12}$/);
const resource = fc.oneof(
  fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,10}$/).filter((n) => !['IPaddr', 'IPaddr2', 'Filesystem', 'drbddisk'].includes(n)), fc.array(arg, { maxLength: 3 })).map(([name, args]) => ({
    token: args.length === 0 ? name : `${name}::${args.join('::')}`,
    name,
    args,
  })),
  fc.tuple(ipv4, fc.integer({ min: 1, max: 32 })).map(([ip, bits]) => ({ token: `${ip}/${bits}`, name: 'IPaddr', args: [`${ip}/${bits}`] })),
);

const clusterConfig: fc.Arbitrary<ClusterConfig> = fc
  .record({
    clusterName: label,
    nodes: fc.uniqueArray(nodeName, { minLength: 2, maxLength: 4 }),
    keepaliveMs: fc.integer({ min: 1, max: 5000 }),
    deadtimeExtra: fc.integer({ min: 1, max: 60000 }),
    warnFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    initdeadExtra: fc.integer({ min: 0, max: 100000 }),
    deadpingExtra: fc.integer({ min: 1, max: 60000 }),
    udpPort: port,
    media: fc.array(medium, { minLength: 1, maxLength: 3 }),
    pingTargets: fc.uniqueArray(pingTarget, { minLength: 1, maxLength: 3, selector: (p) => p.name }),
    autoFailback: fc.constantFrom('on' as const, 'off' as const, 'legacy' as const),
    groupSpecs: fc.array(fc.tuple(fc.nat(10), fc.uniqueArray(resource, { minLength: 1, maxLength: 4, selector: (r) => [r.name, ...r.args].join('::') })), { maxLength: 3 }),
    activeIndex: fc.integer({ min: 0, max: 15 }),
    otherKeys: fc.uniqueArray(fc.integer({ min: 0, max: 15 }), { maxLength: 3 }),
    method: fc.constantFrom('sha1' as const, 'md5' as const, 'crc' as const),
    secret: fc.stringMatching(/^[!-~]{1,20}$/),
    logging: fc.record(
      {
        logfile: fc.stringMatching(/^\/[a-z/.-]{1,20}$/),
        debugfile: fc.stringMatching(/^\/[a-z/.-]{1,20}$/),
        logfacility: fc.constantFrom('daemon', 'local0', 'local7', 'none'),
        debugLevel: fc.integer({ min: 0, max: 255 }),
      },
      { requiredKeys: ['debugLevel'] },
    ),
    respawn: fc.array(fc.record({ user: label, command: fc.tuple(fc.stringMatching(/^\/[a-z/]{1,15}$/), fc.array(arg, { maxLength: 2 })).map(([p, a]) => [p, ...a].join(' ')) }), { maxLength: 2 }),
    agentTimeouts: fc.record({ startMs: fc.integer({ min: 1, max: 600000 }), stopMs: fc.integer({ min: 1, max: 600000 }), statusMs: fc.integer({ min: 1, max: 600000 }) }),
    stopRetriesMax: fc.integer({ min: 0, max: 1000 }),
    monitorIntervalMs: fc.integer({ min: 0, max: 600000 }),
    stonithHosts: fc.array(fc.tuple(fc.constantFrom('*', 'node1'), label, fc.array(arg, { maxLength: 2 })).map((p) => [p[0], `external/${p[1]}`, ...p[2]].join(' ')), { maxLength: 2 }),
  })
  .map((r) => {
    const deadtimeMs = 2 * r.keepaliveMs + r.deadtimeExtra;
    const warntimeMs = r.keepaliveMs + 1 + Math.floor(r.warnFraction * (deadtimeMs - r.keepaliveMs - 2));
    const seen = new Set<string>();
    const groups: ResourceGroup[] = [];
    for (const [nodeIndex, resources] of r.groupSpecs) {
      const fresh = resources.filter((x) => !seen.has([x.name, ...x.args].join('::')));
      fresh.forEach((x) => seen.add([x.name, ...x.args].join('::')));
      const first = fresh[0];
      if (first === undefined) continue;
      const location = { file: 'haresources', line: 0, column: 0 };
      groups.push({ id: first.token, preferredNode: r.nodes[nodeIndex % r.nodes.length] as string, resources: fresh.map((x) => ({ ...x, location })), location });
    }
    const indices = [...new Set([r.activeIndex, ...r.otherKeys])].sort((a, b) => a - b);
    const config: Omit<ClusterConfig, 'digest'> = {
      clusterName: r.clusterName,
      nodes: r.nodes,
      keepaliveMs: r.keepaliveMs,
      deadtimeMs,
      warntimeMs,
      initdeadMs: 2 * deadtimeMs + r.initdeadExtra,
      deadpingMs: 2 * r.keepaliveMs + r.deadpingExtra,
      udpPort: r.udpPort,
      media: r.media,
      pingTargets: r.pingTargets,
      autoFailback: r.autoFailback,
      groups,
      auth: { activeIndex: r.activeIndex, keys: indices.map((index) => ({ index, method: r.method, key: r.method === 'crc' ? '' : `${r.secret}${index}` })) },
      logging: r.logging,
      respawn: r.respawn,
      agentTimeouts: r.agentTimeouts,
      stopRetriesMax: r.stopRetriesMax,
      monitorIntervalMs: r.monitorIntervalMs,
      stonithHosts: r.stonithHosts,
    };
    return { ...config, digest: configDigest(config) };
  });

/** Locations differ by construction (the printer decides the layout); everything else must not. */
function withoutLocations(c: ClusterConfig): unknown {
  const { fencing: _fencing, ...rest } = c; // derived from stonithHosts (directives-stonith.test.ts)
  return { ...rest, groups: c.groups.map((g) => ({ id: g.id, preferredNode: g.preferredNode, resources: g.resources.map((x) => ({ token: x.token, name: x.name, args: x.args })) })) };
}

describe('print → parse round trip', () => {
  test.prop([clusterConfig], { numRuns: 300 })('parsing the printed files gives the same configuration, without errors', (config) => {
    const printed = printClusterConfig(config);
    const r = parseClusterConfig({ haCf: printed.haCf, haresources: printed.haresources, authkeys: printed.authkeys, localNode: { name: config.nodes[0] as string, source: 'test' } });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(withoutLocations(r.normalized)).toEqual(withoutLocations(config));
    expect(r.normalized.digest).toBe(config.digest);
  });

  test.prop([clusterConfig], { numRuns: 100 })('printing is idempotent: print(parse(print(c))) = print(c)', (config) => {
    const printed = printClusterConfig(config);
    const again = printClusterConfig(parseClusterConfig({ haCf: printed.haCf, haresources: printed.haresources, authkeys: printed.authkeys }).normalized);
    expect(again).toEqual(printed);
  });
});
