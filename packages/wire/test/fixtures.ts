// Shared test fixtures: the Node HMAC (tests may use node:crypto; the package may not), sample
// configurations and fast-check arbitraries for every ClusterMessage kind.

import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import type {
  AckMessage,
  ClusterMessage,
  GroupClaim,
  GroupCleanupMessage,
  GroupReleasedMessage,
  GroupRequestMessage,
  HeartbeatMessage,
  LeavingMessage,
  NodeFencedMessage,
} from '@hbd/core';
import type { Hmac } from '../src/auth';
import type { CapacityConfig } from '../src/capacity';
import type { OutgoingPacket } from '../src/packet-codec';

/** Same body as packages/daemon/src/node-hmac.ts. */
export const nodeHmac: Hmac = (method, key, data) => new Uint8Array(createHmac(method, key).update(data).digest());

/** ClusterConfig.digest as @hbd/config computes it: FNV-1a 64-bit, 16 hex digits. */
export const DIGEST = '9c3b1f0e5a7d2468';

/** Two nodes, three groups, one ping node, `auth 1` / `1 sha1 secretkey` — the tutorial cluster. */
export function twoNodeConfig(overrides: Partial<CapacityConfig> = {}): CapacityConfig {
  return {
    clusterName: 'linux-ha',
    nodes: ['master1', 'master2'],
    digest: DIGEST,
    auth: { activeIndex: 1, keys: [{ index: 1, method: 'sha1', key: 'secretkey' }] },
    groups: [{ id: '192.168.42.14' }, { id: 'IPaddr::192.168.42.15/24/eth0' }, { id: 'drbddisk::r0' }],
    pingTargets: [{ name: '192.168.42.1' }],
    ...overrides,
  };
}

export function withAuth(method: 'sha1' | 'md5' | 'crc', config: CapacityConfig = twoNodeConfig()): CapacityConfig {
  return { ...config, auth: { activeIndex: 1, keys: [{ index: 1, method, key: method === 'crc' ? '' : 'secretkey' }] } };
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

const nodeName = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' });
const count = fc.maxSafeNat();
/** hbd/2 names groups by position, so messages may only name groups of the codec's config. */
const TUTORIAL_GROUPS = twoNodeConfig().groups.map((g) => g.id);

export function claimArb(group: string): fc.Arbitrary<GroupClaim> {
  return fc.record(
    {
      group: fc.constant(group),
      state: fc.constantFrom('starting', 'started', 'stopping', 'failed', 'unclean'),
      epoch: count,
      tentative: fc.boolean(),
    },
    { requiredKeys: ['group', 'state', 'epoch'] },
  );
}

/** Claims on a subset of `groups`, each group at most once, in haresources order (as decoded). */
export function claimsArb(groups: readonly string[]): fc.Arbitrary<GroupClaim[]> {
  return fc.subarray([...groups]).chain((held): fc.Arbitrary<GroupClaim[]> => (held.length === 0 ? fc.constant([]) : fc.tuple(...held.map(claimArb))));
}

export function heartbeatArb(groups: readonly string[] = TUTORIAL_GROUPS, nodes = 2): fc.Arbitrary<HeartbeatMessage> {
  return fc.record(
    {
      type: fc.constant('heartbeat'),
      status: fc.constantFrom('init', 'up', 'active', 'leaving'),
      pingReachable: fc.nat({ max: 64 }),
      claims: claimsArb(groups),
      stateSeq: count,
      seen: fc.array(count, { minLength: nodes, maxLength: nodes }),
      seenGenerations: fc.array(count, { minLength: nodes, maxLength: nodes }),
    },
    { requiredKeys: ['type', 'status', 'pingReachable', 'claims'] },
  );
}

const groupId = fc.constantFrom(...TUTORIAL_GROUPS);

export const messageArb: fc.Arbitrary<ClusterMessage> = fc.oneof(
  heartbeatArb(),
  fc.record<GroupRequestMessage>({
    type: fc.constant('groupRequest'),
    msgId: count,
    groups: fc.array(groupId, { maxLength: 8 }),
    reason: fc.constantFrom('takeover', 'standby', 'failback', 'ipfail'),
  }),
  fc.record<GroupReleasedMessage>(
    {
      type: fc.constant('groupReleased'),
      msgId: count,
      groups: fc.array(groupId, { maxLength: 8 }),
      to: nodeName,
      reason: fc.constantFrom('standby', 'takeover', 'failback', 'ipfail', 'shutdown', 'failed'),
      stateSeq: count,
    },
    { requiredKeys: ['type', 'msgId', 'groups', 'to'] },
  ),
  fc.record<LeavingMessage>({ type: fc.constant('leaving'), msgId: count, unclean: fc.array(groupId, { maxLength: 4 }) }, { requiredKeys: ['type', 'msgId'] }),
  fc.record<AckMessage>({ type: fc.constant('ack'), msgId: count }),
  fc.record<GroupCleanupMessage>({ type: fc.constant('groupCleanup'), msgId: count, group: groupId }),
  fc.record<NodeFencedMessage>({ type: fc.constant('nodeFenced'), msgId: count, node: nodeName, generation: count }),
);

export function packetArb(nodes: readonly string[]): fc.Arbitrary<OutgoingPacket> {
  return fc.record({ from: fc.constantFrom(...nodes), generation: count, seq: count, message: messageArb });
}
