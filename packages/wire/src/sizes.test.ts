// Measured packet sizes and group limits, and the claims in docs/reference/wire-protocol.md that
// quote them. The tutorial cluster: nodes master1/master2, cluster "linux-ha", a 16-hex config
// digest (FNV-1a 64, as @hbd/config computes it), three haresources lines, one ping node.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { HeartbeatMessage } from '@hbd/core';
import { checkHeartbeatCapacity, type CapacityConfig } from './capacity';
import { createCodec, type HbdCodec } from './hbd-codec';
import { nodeHmac, twoNodeConfig, withAuth } from '../test/fixtures';

const doc = readFileSync(join(__dirname, '../../../docs/reference/wire-protocol.md'), 'utf8');
const config = twoNodeConfig();
const typical: HeartbeatMessage = {
  type: 'heartbeat',
  status: 'active',
  pingReachable: 1,
  claims: config.groups.map((g, i) => ({ group: g.id, state: 'started', epoch: i + 1 })),
  stateSeq: 4711,
  // Every heartbeat says what it applied of each peer's (master1 is the sender, master2 the peer).
  seen: [0, 5012],
  seenGenerations: [0, 12],
};

function size(codec: HbdCodec, message: HeartbeatMessage | { type: 'ack'; msgId: number }): number {
  const r = codec.measure({ from: 'master1', generation: 12, seq: 4711, message });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const ipaddr = (i: number) => `IPaddr::192.168.${100 + Math.floor(i / 200)}.${10 + (i % 200)}/24/eth0`;
const bareIp = (i: number) => `192.168.${100 + Math.floor(i / 200)}.${10 + (i % 200)}`;

function sized(method: 'sha1' | 'md5' | 'crc', groups: number, nodes: number, key = ipaddr): CapacityConfig {
  return withAuth(
    method,
    twoNodeConfig({ nodes: Array.from({ length: nodes }, (_, i) => `master${i + 1}`), groups: Array.from({ length: groups }, (_, i) => ({ id: key(i) })) }),
  );
}

function worst(c: CapacityConfig): number {
  const r = checkHeartbeatCapacity(createCodec({ config: c, hmac: nodeHmac }), c);
  return r.ok ? r.value.worstCaseBytes : Number(/reach (\d+) bytes/.exec(r.error.message)![1]);
}

function maxGroups(method: 'sha1' | 'md5' | 'crc', nodes: number, key = ipaddr): number {
  let n = 0;
  while (n < 1000 && worst(sized(method, n + 1, nodes, key)) <= 1400) n++;
  return n;
}

describe('packet sizes and group limits (quoted in docs/reference/wire-protocol.md)', () => {
  test.each([
    ['sha1', 92, 220, 96, 84, 68],
    ['md5', 88, 216, 97, 85, 69],
    ['crc', 76, 204, 98, 86, 70],
  ] as const)('%s: ack %i B, 3-group heartbeat %i B, max groups %i (2 nodes) / %i (8 nodes) / %i (16 nodes)', (method, ack, heartbeat, two, eight, sixteen) => {
    const codec = createCodec({ config: withAuth(method), hmac: nodeHmac });
    expect(size(codec, { type: 'ack', msgId: 123 })).toBe(ack);
    expect(size(codec, typical)).toBe(heartbeat);
    expect([maxGroups(method, 2), maxGroups(method, 8), maxGroups(method, 16)]).toEqual([two, eight, sixteen]);
    expect(doc).toContain(`| ${method} | ${ack} | ${heartbeat} | ${two} | ${eight} | ${sixteen} |`);
  });

  test('the promise: at least 64 groups with 2..16 nodes, with any auth method', () => {
    for (const method of ['sha1', 'md5', 'crc'] as const) {
      for (let nodes = 2; nodes <= 16; nodes++) expect(worst(sized(method, 64, nodes))).toBeLessThanOrEqual(1400);
    }
  });

  test('the length of a group key no longer matters (groups travel as numbers)', () => {
    expect(maxGroups('sha1', 2, bareIp)).toBe(maxGroups('sha1', 2, ipaddr));
    expect(worst(sized('sha1', 10, 2, (i) => `Filesystem::/dev/drbd${i}::/srv/www/customer-${i}::ext4::defaults,noatime`))).toBe(worst(sized('sha1', 10, 2, (i) => `${i}`)));
  });

  test('checkHeartbeatCapacity reports the worst case, and refuses a config that cannot fit', () => {
    const codec = createCodec({ config, hmac: nodeHmac });
    const fits = checkHeartbeatCapacity(codec, config);
    expect(fits.ok && fits.value.worstCaseBytes).toBeGreaterThan(size(codec, typical));
    const many = sized('sha1', 120, 2);
    const refused = checkHeartbeatCapacity(createCodec({ config: many, hmac: nodeHmac }), many);
    expect(!refused.ok && refused.error.code).toBe('HB_WIRE_TOO_LARGE');
    expect(!refused.ok && refused.error.message).toMatch(/^with 120 resource groups and 2 nodes a heartbeat message can reach \d+ bytes, over the 1400-byte packet limit: use fewer haresources lines/);
  });

  test('a hand-over listing every group is measured too (and stays smaller than the heartbeat)', () => {
    const c = sized('sha1', 64, 16);
    const r = checkHeartbeatCapacity(createCodec({ config: c, hmac: nodeHmac }), c);
    expect(r.ok && r.value.largest).toBe('heartbeat');
  });
});

describe('what a worst-case heartbeat costs (the rule of thumb in wire-protocol.md)', () => {
  test('per group claim and per node', () => {
    const perClaim = worst(sized('sha1', 2, 2)) - worst(sized('sha1', 1, 2));
    const perNode = worst(sized('sha1', 1, 3)) - worst(sized('sha1', 1, 2));
    expect(perClaim).toBe(Number(/each group costs (\d+) bytes/i.exec(doc)![1]));
    expect(perNode).toBe(Number(/each node of the cluster (\d+) bytes/.exec(doc)![1]));
  });
});
