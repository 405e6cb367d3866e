// Will this cluster's messages fit in one packet? A heartbeat carries one claim per group the
// sender holds or is moving, and a hand-over (groupRequest / groupReleased / leaving) can list
// every group, so a node holding every group sends the largest ones. The daemon calls this at
// start-up to refuse a configuration whose messages could not be sent, with the numbers,
// instead of failing at the first takeover.
//
// Since hbd/2 a group costs the same whatever its haresources key (it travels as a number), so
// the limit depends on the number of groups and nodes, the longest node name and the auth method.

import type { ClusterMessage } from '@hbd/core';
import { fail, ok, type WireResult } from './errors';
import type { HbdCodec, WireConfig } from './hbd-codec';
import { MAX_PACKET_BYTES } from './packet-codec';

export interface CapacityConfig extends WireConfig {
  readonly pingTargets: readonly unknown[];
}

export interface HeartbeatCapacity {
  /** Size of the largest message this configuration can produce. */
  readonly worstCaseBytes: number;
  /** Which kind that is (a heartbeat, unless a hand-over listing every group is larger). */
  readonly largest: ClusterMessage['type'];
  readonly limitBytes: number;
  readonly groups: number;
  readonly nodes: number;
}

/**
 * Counter widths the worst case assumes. Takeover epochs and generations (one per start of hbd)
 * never come near 2^32. stateSeq (and `seen`, and msgId) restart at 0 with every start and grow
 * by about one per keepalive: 10^12 is 31,000 years at keepalive 1 s, 31 years at 1 ms.
 */
export const WORST_EPOCH = 4_294_967_295;
export const WORST_GENERATION = 4_294_967_295;
export const WORST_STATE_SEQ = 999_999_999_999;

/** The messages of `config` whose size grows with its groups and nodes, at their largest. */
export function worstCaseMessages(config: CapacityConfig, from: string): ClusterMessage[] {
  const groups = config.groups.map((g) => g.id);
  const others = config.nodes.filter((n) => n !== from);
  const to = others.reduce((a, b) => (b.length > a.length ? b : a), from);
  return [
    {
      type: 'heartbeat',
      status: 'leaving',
      pingReachable: config.pingTargets.length,
      claims: groups.map((group) => ({ group, state: 'starting', epoch: WORST_EPOCH, tentative: true })),
      stateSeq: WORST_STATE_SEQ,
      // The sender's own slot is always 0 (core engine, sendHeartbeat).
      seen: config.nodes.map((n) => (n === from ? 0 : WORST_STATE_SEQ)),
      seenGenerations: config.nodes.map((n) => (n === from ? 0 : WORST_GENERATION)),
    },
    { type: 'groupRequest', msgId: WORST_STATE_SEQ, groups, reason: 'takeover' },
    { type: 'groupReleased', msgId: WORST_STATE_SEQ, groups, to, reason: 'shutdown', stateSeq: WORST_STATE_SEQ },
    { type: 'leaving', msgId: WORST_STATE_SEQ, unclean: groups },
  ];
}

/**
 * The largest message of `config`, sent by the node with the longest name: a heartbeat with
 * every group announced for start (tentative) at a ten-digit epoch, 12-digit counters for every
 * peer, or a hand-over listing every group. HB_WIRE_TOO_LARGE when it does not fit.
 */
export function checkHeartbeatCapacity(codec: HbdCodec, config: CapacityConfig): WireResult<HeartbeatCapacity> {
  const from = config.nodes.reduce((a, b) => (b.length > a.length ? b : a), '');
  let worst: { bytes: number; type: ClusterMessage['type'] } = { bytes: 0, type: 'heartbeat' };
  for (const message of worstCaseMessages(config, from)) {
    const measured = codec.measure({ from, generation: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER, message });
    if (!measured.ok) return measured;
    if (measured.value > worst.bytes) worst = { bytes: measured.value, type: message.type };
  }
  const capacity: HeartbeatCapacity = {
    worstCaseBytes: worst.bytes,
    largest: worst.type,
    limitBytes: MAX_PACKET_BYTES,
    groups: config.groups.length,
    nodes: config.nodes.length,
  };
  if (worst.bytes > MAX_PACKET_BYTES) {
    return fail(
      'HB_WIRE_TOO_LARGE',
      `with ${config.groups.length} resource groups and ${config.nodes.length} nodes a ${worst.type} message can reach ${worst.bytes} bytes, ` +
        `over the ${MAX_PACKET_BYTES}-byte packet limit: use fewer haresources lines (several resources can share one line) ` +
        'or fewer nodes (docs/reference/wire-protocol.md, Sizes, has the limits: about 96 groups with 2 nodes, 68 with 16)',
    );
  }
  return ok(capacity);
}
