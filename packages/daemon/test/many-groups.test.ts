// A hosting-style haresources with dozens of lines. Under hbd/1 a heartbeat spelled out every
// group key and hbd refused more than 11–14 groups at start (HB_WIRE_TOO_LARGE); hbd/2 numbers
// groups by their haresources line (docs/reference/wire-protocol.md, Sizes).
//   1. A real 40-line /etc/ha.d through the config loader passes the start-up capacity check
//      (the one startDaemon runs), and 120 lines are refused with the numbers.
//   2. Two real hbd nodes on loopback with 40 groups: every group starts on its preferred node,
//      a standby moves all of them, and not one packet is dropped or refused as too large.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadClusterConfig } from '@hbd/config-loader';
import type { StatusDocument } from '@hbd/ipc';
import { checkHeartbeatCapacity, createCodec } from '@hbd/wire';
import { nodeHmac } from '../src/node-hmac';
import { eventually, startCluster, type Cluster, type GroupSpec, statusOf } from './cluster-harness';
import { freeUdpPort } from './free-port';

const HA_CF = 'keepalive 1\ndeadtime 10\nwarntime 5\ninitdead 20\nudpport 694\nucast lo 127.0.0.1\nauto_failback on\nnode alpha\nnode beta\n';

function etcHaD(lines: number): { dir: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), `hbd-many-groups-${process.pid}-`));
  const dir = join(root, 'ha.d');
  mkdirSync(join(dir, 'resource.d'), { recursive: true });
  writeFileSync(join(dir, 'ha.cf'), HA_CF);
  writeFileSync(join(dir, 'authkeys'), 'auth 1\n1 sha1 hosting-secret\n', { mode: 0o600 });
  // One customer per line: its address, its filesystem, its web server, as a hosting setup has.
  const haresources = Array.from(
    { length: lines },
    (_, i) => `${i % 2 === 0 ? 'alpha' : 'beta'} IPaddr::10.213.${Math.floor(i / 200)}.${10 + (i % 200)}/24/lo Filesystem::/dev/drbd${i}::/srv/customer-${i}::ext4 site${i}\n`,
  ).join('');
  writeFileSync(join(dir, 'haresources'), haresources);
  for (const agent of ['IPaddr', 'Filesystem', ...Array.from({ length: lines }, (_, i) => `site${i}`)]) {
    writeFileSync(join(dir, 'resource.d', agent), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  }
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

describe('start-up capacity check on a real /etc/ha.d', () => {
  test.each([
    [40, true],
    [64, true],
    [120, false],
  ])('%i haresources lines: fits = %s', (lines, fits) => {
    const etc = etcHaD(lines);
    try {
      const loaded = loadClusterConfig({ configDir: etc.dir, node: 'alpha', netDir: join(etc.dir, 'no-such-net-dir') });
      expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const config = loaded.config!;
      expect(config.groups).toHaveLength(lines);
      const capacity = checkHeartbeatCapacity(createCodec({ config, hmac: nodeHmac }), config);
      if (fits) {
        expect(capacity.ok && capacity.value).toMatchObject({ groups: lines, nodes: 2, limitBytes: 1400 });
        expect(capacity.ok && capacity.value.worstCaseBytes).toBeLessThanOrEqual(1400);
      } else {
        expect(!capacity.ok && capacity.error.code).toBe('HB_WIRE_TOO_LARGE');
        expect(!capacity.ok && capacity.error.message).toMatch(/^with 120 resource groups and 2 nodes a heartbeat message can reach \d+ bytes, over the 1400-byte packet limit/);
      }
    } finally {
      etc.remove();
    }
  });
});

const GROUPS = 40;
const specs: GroupSpec[] = Array.from({ length: GROUPS }, (_, i) => [i % 2 === 0 ? 'alpha' : 'beta', `Dummy::site${i}`, `Dummy::db${i}`]);
let cluster: Cluster;

const status = (name: string): Promise<StatusDocument> => statusOf(cluster, name);

beforeAll(async () => {
  cluster = await startCluster(['alpha', 'beta'], specs, { port: await freeUdpPort() });
}, 30_000);
afterAll(async () => {
  await cluster?.cleanup();
}, 60_000);

describe(`two hbd nodes with ${GROUPS} resource groups`, () => {
  test('every group starts on its preferred node and both nodes agree on the owners', async () => {
    const owners = (doc: StatusDocument) => doc.groups.map((g) => g.owner);
    const expected = specs.map(([preferred]) => preferred);
    await eventually('alpha sees every group on its preferred node', async () => (JSON.stringify(owners(await status('alpha'))) === JSON.stringify(expected) ? true : null), 30_000);
    await eventually('beta agrees', async () => (JSON.stringify(owners(await status('beta'))) === JSON.stringify(expected) ? true : null), 30_000);
    for (const [i, [preferred]] of specs.entries()) expect(cluster.node(preferred).isRunning(`site${i}`)).toBe(true);
  }, 40_000);

  test('standby on beta moves its 20 groups to alpha in one hand-over', async () => {
    const client = await cluster.node('beta').client();
    const result = await client.call('standby', { scope: 'all', wait: true }, 60_000);
    client.close();
    expect(result).toMatchObject({ completed: true, ok: true });
    expect(result.moved).toHaveLength(GROUPS / 2);
    await eventually('alpha runs every group', async () => ((await status('alpha')).groups.every((g) => g.owner === 'alpha' && g.localState === 'started') ? true : null), 30_000);
    for (let i = 0; i < GROUPS; i++) expect(cluster.node('alpha').isRunning(`site${i}`)).toBe(true);
  }, 70_000);

  test('no packet was dropped or refused on either node', async () => {
    for (const name of ['alpha', 'beta']) {
      const doc = await status(name);
      expect(doc.packets.dropped).toEqual({ total: 0, byReason: {} });
      expect(cluster.node(name).log.lines.filter((line) => /HB_WIRE|cannot send|too large/i.test(line))).toEqual([]);
    }
  });
});
