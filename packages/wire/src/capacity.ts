// Will this cluster's heartbeats fit in one packet? A heartbeat carries one claim per group
// the sender holds or is moving, so a node holding every group sends the largest one. The
// daemon (or `hbctl config check`) calls this at start-up to refuse a configuration whose
// heartbeats could not be sent, with the numbers, instead of failing at the first takeover.

import type { HeartbeatMessage } from '@hbd/core';
import { fail, ok, type WireResult } from './errors';
import type { HbdCodec, WireConfig } from './hbd-codec';
import { MAX_PACKET_BYTES } from './packet-codec';

export interface CapacityConfig extends WireConfig {
  readonly groups: readonly { readonly id: string }[];
  readonly pingTargets: readonly unknown[];
}

export interface HeartbeatCapacity {
  /** Size of the largest heartbeat this configuration can produce. */
  readonly worstCaseBytes: number;
  readonly limitBytes: number;
  readonly groups: number;
}

/** Worst-case epoch width: ten digits, far beyond any real cluster's takeover count. */
const WORST_EPOCH = 4_294_967_295;

/**
 * The largest heartbeat of `config`: the longest node name holding every group, each in the
 * longest claim state with a ten-digit epoch and marked tentative (an announced start), the widest
 * state counter, and for every node the widest `seen` counter and `seenGenerations` entry.
 * HB_WIRE_TOO_LARGE when it does not fit.
 */
export function checkHeartbeatCapacity(codec: HbdCodec, config: CapacityConfig): WireResult<HeartbeatCapacity> {
  const from = config.nodes.reduce((a, b) => (b.length > a.length ? b : a), '');
  const message: HeartbeatMessage = {
    type: 'heartbeat',
    status: 'leaving',
    pingReachable: config.pingTargets.length,
    claims: config.groups.map((g) => ({ group: g.id, state: 'starting', epoch: WORST_EPOCH, tentative: true })),
    stateSeq: Number.MAX_SAFE_INTEGER,
    seen: config.nodes.map(() => Number.MAX_SAFE_INTEGER),
    seenGenerations: config.nodes.map(() => Number.MAX_SAFE_INTEGER),
  };
  const measured = codec.measure({ from, generation: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER, message });
  if (!measured.ok) return measured;
  const capacity = { worstCaseBytes: measured.value, limitBytes: MAX_PACKET_BYTES, groups: config.groups.length };
  if (measured.value > MAX_PACKET_BYTES) {
    return fail(
      'HB_WIRE_TOO_LARGE',
      `with ${config.groups.length} resource groups a heartbeat can reach ${measured.value} bytes, over the ${MAX_PACKET_BYTES}-byte ` +
        'packet limit: use fewer haresources lines (several resources can share one group) or shorter group keys',
    );
  }
  return ok(capacity);
}
