// Cluster messages exchanged between cores. The wire codec (@hbd/wire) adds the envelope
// (protocol version, cluster, sender, generation, sequence number, config digest, HMAC).
//
// APPEND-ONLY: MESSAGE_TYPE_CODES is the on-the-wire type number. Never renumber or reuse a
// code; a new message kind gets the next free number. Old codes stay reserved forever.

import type { GroupId, NodeName } from './ids';

/** A node's status as advertised in its heartbeats (Heartbeat's vocabulary, include/heartbeat.h). */
export type AdvertisedStatus = 'init' | 'up' | 'active' | 'leaving';

/** What one node says about one group it holds or is moving. */
export interface GroupClaim {
  readonly group: GroupId;
  /** starting/started/stopping on the sender; 'failed' = a start failed here and was rolled back. */
  readonly state: 'starting' | 'started' | 'stopping' | 'failed' | 'unclean';
  /** Takeover epoch: bumped by every node that takes the group; the higher epoch wins a split brain. */
  readonly epoch: number;
  /**
   * 'starting' announced but no member started yet (the engine waits a moment for conflicting
   * claims before it runs anything). A tentative claim yields to any real one. Optional.
   */
  readonly tentative?: boolean;
}

export interface HeartbeatMessage {
  readonly type: 'heartbeat';
  readonly status: AdvertisedStatus;
  /** How many configured ping targets the sender reaches (ipfail). */
  readonly pingReachable: number;
  readonly claims: readonly GroupClaim[];
  /**
   * The sender's state counter (added by the engine): it grows with every heartbeat and every
   * groupReleased the sender emits, so a receiver can ignore claims older than ones it already
   * applied (packets may be reordered). Optional: absent = always apply.
   */
  readonly stateSeq?: number;
  /**
   * Per node in `node` order: the highest stateSeq the sender has applied from that node (its own
   * slot 0). A node that announced a tentative claim starts only when every live peer has seen it.
   */
  readonly seen?: readonly number[];
  /** Per node in `node` order: the generation `seen` refers to (0 = never heard). */
  readonly seenGenerations?: readonly number[];
  /**
   * Set by the receiving codec, never sent by an engine: the sender names groups by another
   * haresources (a rolling configuration change), so `claims` is empty and means nothing. The
   * peer is alive; what it holds is unknown until the lists match again.
   */
  readonly claimsUnreadable?: true;
}

/** Reliable control messages carry an id, are acknowledged, and are resent until acked or the peer dies. */
interface Reliable {
  readonly msgId: number;
}

/** "Release these groups to me" (standby of the peer, takeover, failback). */
export interface GroupRequestMessage extends Reliable {
  readonly type: 'groupRequest';
  readonly groups: readonly GroupId[];
  readonly reason: 'takeover' | 'standby' | 'failback' | 'ipfail';
}

/** "I have stopped these groups; you may start them" (hand-over done). */
export interface GroupReleasedMessage extends Reliable {
  readonly type: 'groupReleased';
  readonly groups: readonly GroupId[];
  readonly to: NodeName;
  /** Why the sender gave the groups up (decides whether the receiver fails them back later). */
  readonly reason?: ReleaseReason;
  /** The sender's state counter when it released (see HeartbeatMessage.stateSeq). */
  readonly stateSeq?: number;
}

/** Why a node handed groups over: an operator (standby, takeover) or the engine's own policies. */
export type ReleaseReason = 'standby' | 'takeover' | 'failback' | 'ipfail' | 'shutdown' | 'failed';

/** "I am shutting down cleanly; my groups are stopped" (so peers take over now, not after deadtime). */
export interface LeavingMessage extends Reliable {
  readonly type: 'leaving';
  /** Groups the sender could not stop (unclean): nobody may start them before fencing or cleanup. */
  readonly unclean?: readonly GroupId[];
}

/** "An operator cleared this group's failed/unclean state": every node forgets its markers for it. */
export interface GroupCleanupMessage extends Reliable {
  readonly type: 'groupCleanup';
  readonly group: GroupId;
  /** The sender's state counter at the cleanup: its older heartbeats (claiming 'unclean') are stale. */
  readonly stateSeq?: number;
  /**
   * The nodes the operator vouched for: the sender and the nodes it held for dead at the cleanup.
   * A receiver forgets what it remembers about a dead node only for these (the message may arrive
   * much later: it is sent again to a peer that was not heard at the time). Absent: every node the
   * receiver holds for dead.
   */
  readonly vouchedFor?: readonly NodeName[];
}

/** "I fenced this node (this incarnation of it)": its groups may be taken over now. */
export interface NodeFencedMessage extends Reliable {
  readonly type: 'nodeFenced';
  readonly node: NodeName;
  readonly generation: number;
}

export interface AckMessage {
  readonly type: 'ack';
  readonly msgId: number;
}

export type ClusterMessage =
  | HeartbeatMessage
  | GroupRequestMessage
  | GroupReleasedMessage
  | LeavingMessage
  | AckMessage
  | GroupCleanupMessage
  | NodeFencedMessage;

export type ClusterMessageType = ClusterMessage['type'];

export const MESSAGE_TYPE_CODES: { readonly [K in ClusterMessageType]: number } = {
  heartbeat: 1,
  groupRequest: 2,
  groupReleased: 3,
  leaving: 4,
  ack: 5,
  groupCleanup: 6,
  nodeFenced: 7,
};
