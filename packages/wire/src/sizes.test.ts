// Measured packet sizes, and the claim in docs/reference/wire-protocol.md that quotes them.
// The tutorial cluster: nodes master1/master2, cluster "linux-ha", a 16-hex config digest
// (FNV-1a 64, as @hbd/config computes it), three haresources lines, one ping node.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import type { HeartbeatMessage } from '@hbd/core';
import { checkHeartbeatCapacity } from './capacity';
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
  seenGenerations: [0, 1_700_000_002],
};

function size(codec: HbdCodec, message: HeartbeatMessage | { type: 'ack'; msgId: number }): number {
  const r = codec.measure({ from: 'master1', generation: 1_700_000_001, seq: 4711, message });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function maxGroups(codec: HbdCodec, key: (i: number) => string): number {
  let n = 0;
  while (checkHeartbeatCapacity(codec, { ...config, groups: Array.from({ length: n + 1 }, (_, i) => ({ id: key(i) })) }).ok) n++;
  return n;
}

const bareIp = (i: number) => `192.168.${10 + Math.floor(i / 200)}.${100 + (i % 100)}`;
const ipaddr = (i: number) => `IPaddr::192.168.100.${100 + i}/24/eth0`;

describe('packet sizes (quoted in docs/reference/wire-protocol.md)', () => {
  test.each([
    ['sha1', 92, 369, 13, 11],
    ['md5', 88, 365, 14, 11],
    ['crc', 76, 353, 14, 11],
  ] as const)('%s: ack %i B, 3-group heartbeat %i B, max groups %i (bare IP keys) / %i (IPaddr:: keys)', (method, ack, heartbeat, ipGroups, ipaddrGroups) => {
    const codec = createCodec({ config: withAuth(method), hmac: nodeHmac });
    expect(size(codec, { type: 'ack', msgId: 123 })).toBe(ack);
    expect(size(codec, typical)).toBe(heartbeat);
    expect(maxGroups(codec, bareIp)).toBe(ipGroups);
    expect(maxGroups(codec, ipaddr)).toBe(ipaddrGroups);
    expect(doc).toContain(`| ${method} | ${ack} | ${heartbeat} | ${ipGroups} | ${ipaddrGroups} |`);
  });

  test('checkHeartbeatCapacity reports the worst case, and refuses a config that cannot fit', () => {
    const codec = createCodec({ config, hmac: nodeHmac });
    const fits = checkHeartbeatCapacity(codec, config);
    expect(fits.ok && fits.value.worstCaseBytes).toBeGreaterThan(size(codec, typical));
    const many = { ...config, groups: Array.from({ length: 40 }, (_, i) => ({ id: ipaddr(i) })) };
    const refused = checkHeartbeatCapacity(codec, many);
    expect(!refused.ok && refused.error.code).toBe('HB_WIRE_TOO_LARGE');
    expect(!refused.ok && refused.error.message).toMatch(/^with 40 resource groups a heartbeat can reach \d+ bytes, over the 1400-byte packet limit/);
  });
});

describe('what a worst-case heartbeat costs (the rule of thumb in wire-protocol.md)', () => {
  test('per group claim and per node', () => {
    const codec = createCodec({ config, hmac: nodeHmac });
    const worst = (groups: number, nodes: number): number => {
      const r = checkHeartbeatCapacity(codec, { ...config, nodes: Array.from({ length: nodes }, (_, i) => `master${i + 1}`), groups: Array.from({ length: groups }, (_, i) => ({ id: `k${i}` })) });
      return r.ok ? r.value.worstCaseBytes : Number(/reach (\d+) bytes/.exec(r.error.message)![1]);
    };
    const perClaim = worst(2, 2) - worst(1, 2) - 2; // minus the key "k1"
    const perNode = worst(1, 3) - worst(1, 2);
    expect(perClaim).toBe(Number(/Each group claim costs (\d+) bytes/.exec(doc)![1]));
    expect(perNode).toBe(Number(/each node of the cluster (\d+) bytes/.exec(doc)![1]));
  });
});
