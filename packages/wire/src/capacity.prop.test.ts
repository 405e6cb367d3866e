// The group limit hbd/2 promises: 64 resource groups with 16 nodes, whatever the haresources
// keys look like. Random heartbeats and hand-overs of such a cluster round-trip through the
// real codec, and the worst case the start-up check measures really is the largest.

import { describe, expect } from '@jest/globals';
import { fc, test } from '@fast-check/jest';
import type { ClusterMessage, GroupClaim, HeartbeatMessage } from '@hbd/core';
import { checkHeartbeatCapacity, WORST_EPOCH, WORST_GENERATION, WORST_STATE_SEQ } from './capacity';
import { createCodec } from './hbd-codec';
import { claimArb, nodeHmac, twoNodeConfig, withAuth } from '../test/fixtures';

const GROUPS = 64;
const NODES = 16;
// Long, realistic keys: under hbd/1 these alone would have taken ~2 KiB.
const groups = Array.from({ length: GROUPS }, (_, i) => ({ id: `IPaddr::10.213.${Math.floor(i / 200)}.${10 + (i % 200)}/24/eth0` }));
const nodes = Array.from({ length: NODES }, (_, i) => `node${String(i + 1).padStart(2, '0')}.hosting`);
const config = twoNodeConfig({ nodes, groups });
const codecs = {
  sha1: createCodec({ config: withAuth('sha1', config), hmac: nodeHmac }),
  md5: createCodec({ config: withAuth('md5', config), hmac: nodeHmac }),
  crc: createCodec({ config: withAuth('crc', config) }),
};
const ids = groups.map((g) => g.id);
const seq = fc.nat({ max: WORST_STATE_SEQ });

/** Claims on any subset of groups, in any order (they come back in haresources order). */
const claims: fc.Arbitrary<GroupClaim[]> = fc
  .subarray(ids)
  .chain((held): fc.Arbitrary<GroupClaim[]> =>
    held.length === 0 ? fc.constant([]) : fc.tuple(...held.map((g) => claimArb(g).map((c) => ({ ...c, epoch: c.epoch % (WORST_EPOCH + 1) })))),
  )
  .chain((list) => fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }));

const heartbeat: fc.Arbitrary<HeartbeatMessage> = fc.record({
  type: fc.constant('heartbeat'),
  status: fc.constantFrom('init', 'up', 'active', 'leaving'),
  pingReachable: fc.nat({ max: 8 }),
  claims,
  stateSeq: seq,
  seen: fc.array(seq, { minLength: NODES, maxLength: NODES }),
  seenGenerations: fc.array(fc.nat({ max: WORST_GENERATION }), { minLength: NODES, maxLength: NODES }),
});
const handOver: fc.Arbitrary<ClusterMessage> = fc.oneof(
  fc.record({ type: fc.constant('groupRequest' as const), msgId: seq, groups: fc.shuffledSubarray(ids), reason: fc.constantFrom('takeover', 'standby', 'failback', 'ipfail') }),
  fc.record({ type: fc.constant('groupReleased' as const), msgId: seq, groups: fc.shuffledSubarray(ids), to: fc.constantFrom(...nodes), stateSeq: seq }),
  fc.record({ type: fc.constant('leaving' as const), msgId: seq, unclean: fc.shuffledSubarray(ids) }),
);
const method = fc.constantFrom('sha1', 'md5', 'crc') as fc.Arbitrary<keyof typeof codecs>;

function inHaresourcesOrder(message: ClusterMessage): ClusterMessage {
  if (message.type !== 'heartbeat') return message;
  return { ...message, claims: [...message.claims].sort((a, b) => ids.indexOf(a.group) - ids.indexOf(b.group)) };
}

describe(`${GROUPS} groups × ${NODES} nodes`, () => {
  test('the start-up check accepts it with every auth method', () => {
    for (const codec of Object.values(codecs)) {
      const r = checkHeartbeatCapacity(codec, config);
      expect(r.ok && r.value).toMatchObject({ groups: GROUPS, nodes: NODES, largest: 'heartbeat', limitBytes: 1400 });
    }
  });

  test.prop([method, fc.constantFrom(...nodes), fc.nat({ max: 2 ** 40 }), fc.nat({ max: 2 ** 40 }), fc.oneof(heartbeat, handOver)], { numRuns: 1000 })(
    'any heartbeat or hand-over within the checked counter widths encodes, fits, and decodes to the same message',
    (m, from, generation, s, message) => {
      const codec = codecs[m];
      const worst = checkHeartbeatCapacity(codec, config);
      const bytes = codec.encode({ from, generation, seq: s, message });
      expect(bytes.ok).toBe(true);
      if (!bytes.ok || !worst.ok) return;
      expect(bytes.value.length).toBeLessThanOrEqual(worst.value.worstCaseBytes);
      const decoded = codec.decode(bytes.value);
      expect(decoded.ok && decoded.value).toEqual({
        from,
        generation,
        seq: s,
        message: inHaresourcesOrder(message),
        configDigest: config.digest,
        keyIndex: 1,
        protocolVersion: 2,
        sizeBytes: bytes.value.length,
      });
    },
  );
});
