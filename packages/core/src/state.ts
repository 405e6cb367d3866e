// The engine's state: plain data only (arrays, records, numbers, strings), so the simulator can
// deep-copy it and a test can inspect it. Nodes and groups are addressed by their index in the
// config's `node` list and haresources order; the local node has a slot in `nodes` too (unused).

import type { ClusterConfig } from '@hbd/config';
import type { AtMs, GroupId, NodeName } from './ids';
import type { ClusterMessage, GroupClaim, ReleaseReason } from './messages';
import type { AdminScope, ResourceAction } from './types';

export type ClaimState = GroupClaim['state'];
export type LocalGroupState = 'stopped' | 'starting' | 'started' | 'stopping' | 'failed' | 'unclean';
export type MemberState = 'stopped' | 'starting' | 'started' | 'stopping' | 'failed';

/** Our picture of a peer. 'unknown' = not heard since we started (initdead applies). */
export type PeerStatus = 'unknown' | 'up' | 'active' | 'leaving' | 'dead';

export interface LinkState {
  readonly name: string;
  lastHeardAtMs: AtMs;
  up: boolean;
}

export interface PeerState {
  readonly name: NodeName;
  status: PeerStatus;
  /** The peer's incarnation we talk to (0 = never heard). */
  generation: number;
  everHeard: boolean;
  lastHeardAtMs: AtMs | null;
  lastHeartbeatAtMs: AtMs | null;
  /** When the peer (this time) became 'up' and 'active' in our eyes. */
  upSinceAtMs: AtMs | null;
  activeSinceAtMs: AtMs | null;
  deadSinceAtMs: AtMs | null;
  pingReachable: number | null;
  /** When pingReachable last changed (failback waits for the soak period after it, too). */
  reachChangedAtMs: AtMs | null;
  /** Highest stateSeq applied (claims older than this are stale). */
  stateSeq: number;
  /** Highest of *our* stateSeq the peer says it has applied (its heartbeats' `seen`). */
  seenMine: number;
  /** The peer's heartbeats carry `seen` (else a tentative start falls back to waiting a fixed time). */
  reportsSeen: boolean;
  /** Per group index: the peer's last claim, or null. Kept after death only when fencing must clear it. */
  claimState: (ClaimState | null)[];
  claimEpoch: number[];
  claimTentative: boolean[];
  /** Per group index: a stop failed there and nobody fenced it or cleaned it up. Survives restarts. */
  unclean: boolean[];
  /** The peer's generation in which each remembered failed stop happened. */
  uncleanGeneration: number[];
  /** When its last packet really arrived (not moved by local stalls). */
  lastPacketAtMs: AtMs | null;
  /** When its claims were last applied from a heartbeat (not moved by local stalls). */
  lastClaimsAtMs: AtMs | null;
  /**
   * Fencing is configured and the peer was declared dead without a clean `leaving`: it may still
   * run anything (it may only be cut off), so no group starts anywhere before it is fenced, except
   * groups an operator vouched for (cleanup).
   */
  fencePending: boolean;
  /**
   * Its `leaving` message arrived: it stopped what it could and said what it could not. (A
   * heartbeat saying 'leaving' only means a shutdown is under way.)
   */
  leftCleanly: boolean;
  /** Its last heartbeat's claims could not be read (another haresources): its claims are as last known, and nothing starts. */
  claimsUnreadable: boolean;
  vouched: boolean[];
  links: LinkState[];
  seenMsgIds: number[];
  fenceRunning: boolean;
  fenceRetryAtMs: AtMs | null;
  /** The incarnation we fenced: its late packets are ignored. */
  fencedGeneration: number;
  /**
   * Operator cleanups it has not acked (it was not heard at the time, or died or restarted before
   * acking): sent again when it is next heard, so no node keeps blocking a group the operator cleared.
   */
  owedCleanups: { readonly group: GroupId; readonly stateSeq: number; readonly vouchedFor: readonly NodeName[] }[];
}

export interface PingAddressState {
  readonly address: string;
  lastReplyAtMs: AtMs | null;
  inFlightSinceAtMs: AtMs | null;
  nextProbeAtMs: AtMs;
}

export interface PingTargetState {
  readonly name: string;
  status: 'init' | 'up' | 'dead';
  addresses: PingAddressState[];
}

export type StopPurpose = 'release' | 'rollback' | 'recover' | 'splitBrain' | 'isolated' | 'abort';
export type OpPurpose = 'start' | 'stop' | 'verifyStop' | 'monitor' | 'probe';

export interface RunningOp {
  readonly opId: number;
  readonly action: ResourceAction;
  readonly purpose: OpPurpose;
  readonly member: number;
  readonly startedAtMs: AtMs;
}

/** A hand-over in flight: `from` stopped the group for `to`; nobody else starts it meanwhile. */
export interface HandoffHint {
  readonly to: number;
  readonly from: number;
  readonly reason: ReleaseReason;
  readonly atMs: AtMs;
}

/** Why the group last lost its holder: the words of the next takeover's reason. */
export interface LastHolder {
  readonly node: number;
  readonly why: 'dead' | 'left' | 'released' | 'restarted' | 'fenced';
  readonly atMs: AtMs;
  readonly silentMs: number;
}

export interface GroupRuntime {
  readonly id: GroupId;
  readonly index: number;
  /** Index of the haresources line's node in `node` order; -1 if that node is not a cluster node. */
  readonly preferredIndex: number;
  state: LocalGroupState;
  members: MemberState[];
  /** The member being started or stopped. */
  cursor: number;
  op: RunningOp | null;
  stopAttempts: number;
  retryAtMs: AtMs | null;
  stopPurpose: StopPurpose | null;
  releaseTo: number;
  releaseReason: ReleaseReason | null;
  /** First member whose stop failed for good; -1 if none. */
  uncleanMember: number;
  /** Member whose start failed (group state 'failed'); -1 if none. */
  failedMember: number;
  transitionAtMs: AtMs;
  /**
   * Start-up probe: at boot every member's status is checked once, left to right, before this
   * node becomes active (a previous hbd may have left services running). Counts members found ok.
   */
  probing: boolean;
  probeOk: number;
  /**
   * While set, our 'starting' claim is tentative: nothing runs until every live peer has seen the
   * heartbeat that announced it (stateSeq `tentativeSeq`, 0 = not sent yet). For peers that do not
   * report what they saw, until this instant.
   */
  tentativeUntilAtMs: AtMs | null;
  tentativeSeq: number;
  /** Our takeover epoch for the group (meaningful while we hold it). */
  epoch: number;
  maxEpochSeen: number;
  /** We hold it only because its preferred node was gone: give it back when that node is stable. */
  failbackPending: boolean;
  hint: HandoffHint | null;
  /** A peer asked for this group (takeover): release it to that node once started. -1 = none. */
  requestedBy: number;
  monitorAtMs: AtMs | null;
  monitorCursor: number;
  lastRecoveryAtMs: AtMs | null;
  restartAfterStop: boolean;
  /** Peers with which a split brain on this group has been reported (reported once). */
  conflicts: number[];
  lastHolder: LastHolder | null;
  /** Last refusal reported for this group (reported once per distinct reason). */
  refusal: string | null;
}

export interface OutboxEntry {
  readonly msgId: number;
  readonly to: number;
  readonly message: ClusterMessage;
  nextSendAtMs: AtMs;
  sends: number;
}

export interface AdminItem {
  readonly group: number;
  from: number;
  to: number;
  status: 'pending' | 'done' | 'failed';
  note: string;
}

export interface AdminState {
  readonly requestId: string;
  readonly command: 'standby' | 'takeover';
  readonly scope: AdminScope;
  readonly startedAtMs: AtMs;
  readonly deadlineAtMs: AtMs;
  readonly items: AdminItem[];
  /** Notes about groups that were not part of the move (already here, nothing to do). */
  readonly notes: string[];
}

export type LocalPhase = 'up' | 'active' | 'leaving' | 'stopped';

export interface NodeState {
  readonly config: ClusterConfig;
  readonly localNode: NodeName;
  readonly localIndex: number;
  readonly generation: number;
  readonly startedAtMs: AtMs;
  nowMs: AtMs;
  phase: LocalPhase;
  /** Initdead deadline for peers never heard (pushed back by local stalls). */
  initdeadAtMs: AtMs;
  /** The wake-up we asked for last time (to notice our own stalls). */
  wakeAtMs: AtMs;
  nextHeartbeatAtMs: AtMs;
  heartbeatDue: boolean;
  stateSeq: number;
  nextOpId: number;
  nextMsgId: number;
  readonly nodeIndex: Record<NodeName, number>;
  readonly groupIndex: Record<GroupId, number>;
  readonly nodes: PeerState[];
  readonly pings: PingTargetState[];
  reachable: number;
  hasQuorum: boolean;
  noQuorumSinceAtMs: AtMs | null;
  /**
   * Quorum came back while no peer was alive (our cable was out): the other side may hold our
   * groups and its heartbeats come over the same cable. Until this instant (deadtime later), or
   * until every peer is heard, no unheld group is placed.
   */
  rejoinWaitUntilAtMs: AtMs | null;
  /** Since when a live peer has reached more ping targets than we do (ipfail waits 2 keepalives). */
  reachBehindSinceAtMs: AtMs | null;
  readonly groups: GroupRuntime[];
  outbox: OutboxEntry[];
  admin: AdminState[];
  shutdownStartedAtMs: AtMs | null;
  leavingSentAtMs: AtMs | null;
  lastStallAtMs: AtMs | null;
  lastStallMs: number;
  /** After a local stall: a start in progress waits until every live peer was heard again. */
  stallEndedAtMs: AtMs | null;
  /** Something that placement depends on changed since the last reconcile. */
  dirty: boolean;
}

export function fencingEnabled(s: NodeState): boolean {
  return s.config.stonithHosts.length > 0;
}

export function isAlivePeer(p: PeerState): boolean {
  return p.status === 'up' || p.status === 'active' || p.status === 'leaving';
}

export function isHoldingState(state: ClaimState | LocalGroupState | null): boolean {
  return state === 'starting' || state === 'started' || state === 'stopping' || state === 'unclean';
}
