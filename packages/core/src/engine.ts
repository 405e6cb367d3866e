// The engine's entry points: createNode, step, describeNode.
//
// step() advances `state` in place and returns it (no copy on the heartbeat hot path): treat the
// state you pass in as consumed and keep the returned one. NodeState is plain data; deep-copy it
// (structuredClone) if you need a snapshot.

import type { ClusterConfig } from '@hbd/config';
import { abandonAdmin, onAdminRequested, progressAdmin } from './admin';
import { emit, send, type Ctx } from './context';
import type { AtMs } from './ids';
import type { GroupClaim, HeartbeatMessage } from './messages';
import { applyHeartbeat, checkCommUp, checkDeadlines, notePacket, onLeaving, onStall, peerIndex } from './membership';
import { applyCleanup, onFenceFinished, onGroupReleased, onGroupRequest, onNodeFenced, reconcile } from './ownership';
import { checkPingDeadlines, isolatedAtMs, lastReplyAtMs, onProbeFinished, probeDue, silentAllAroundSinceAtMs } from './ping';
import { cutOffAfterMs, failbackSoakMs, handoffHintTtlMs, IDLE_WAKE_MS, ipfailDelayMs, leavingAckWaitMs, pingProbeTimeoutMs, stallThresholdMs } from './policy';
import { acceptReliable, onAck, pendingTo, resendDue, sendReliable } from './reliable';
import { advance, advanceAll, onOpFinished, startProbe } from './sequencer';
import { isAlivePeer, isHoldingState, type GroupRuntime, type NodeState, type PeerState } from './state';
import type { BootInfo, Effect, Input, NodeView, StepResult } from './types';
import { deadBlocker, liveHolder } from './placement';

export type { NodeState } from './state';

export function createNode(config: ClusterConfig, boot: BootInfo): StepResult<NodeState> {
  const localIndex = config.nodes.indexOf(boot.localNode);
  if (localIndex < 0) {
    throw new Error(`HB_CORE_NOT_A_NODE: this node is "${boot.localNode}" but ha.cf lists only ${config.nodes.join(', ')}`);
  }
  const now = boot.nowMs;
  const generation = boot.previousGeneration + 1;
  const nodeIndex: Record<string, number> = {};
  config.nodes.forEach((n, i) => (nodeIndex[n] = i));
  const groupIndex: Record<string, number> = {};
  config.groups.forEach((g, i) => (groupIndex[g.id] = i));
  const groupCount = config.groups.length;
  const nodes: PeerState[] = config.nodes.map((name) => ({
    name,
    status: 'unknown',
    generation: 0,
    everHeard: false,
    lastHeardAtMs: null,
    lastHeartbeatAtMs: null,
    upSinceAtMs: null,
    activeSinceAtMs: null,
    deadSinceAtMs: null,
    pingReachable: null,
    reachChangedAtMs: null,
    stateSeq: 0,
    seenMine: 0,
    reportsSeen: false,
    claimState: new Array(groupCount).fill(null),
    claimEpoch: new Array(groupCount).fill(0),
    claimTentative: new Array(groupCount).fill(false),
    unclean: new Array(groupCount).fill(false),
    uncleanGeneration: new Array(groupCount).fill(0),
    lastPacketAtMs: null,
    lastClaimsAtMs: null,
    fencePending: false,
    leftCleanly: false,
    claimsUnreadable: false,
    vouched: new Array(groupCount).fill(false),
    links: [],
    seenMsgIds: [],
    fenceRunning: false,
    fenceRetryAtMs: null,
    fencedGeneration: 0,
    owedCleanups: [],
  }));
  const groups: GroupRuntime[] = config.groups.map((g, index) => ({
    id: g.id,
    index,
    preferredIndex: config.nodes.indexOf(g.preferredNode),
    state: 'stopped',
    members: g.resources.map(() => 'stopped'),
    cursor: 0,
    op: null,
    stopAttempts: 0,
    retryAtMs: null,
    stopPurpose: null,
    releaseTo: -1,
    releaseReason: null,
    uncleanMember: -1,
    failedMember: -1,
    transitionAtMs: now,
    probing: g.resources.length > 0,
    probeOk: 0,
    tentativeUntilAtMs: null,
    tentativeSeq: 0,
    epoch: 0,
    maxEpochSeen: 0,
    failbackPending: false,
    hint: null,
    requestedBy: -1,
    monitorAtMs: null,
    monitorCursor: 0,
    lastRecoveryAtMs: null,
    restartAfterStop: false,
    conflicts: [],
    lastHolder: null,
    refusal: null,
  }));
  const s: NodeState = {
    config,
    localNode: boot.localNode,
    localIndex,
    generation,
    startedAtMs: now,
    nowMs: now,
    phase: 'up',
    initdeadAtMs: now + config.initdeadMs,
    wakeAtMs: now,
    nextHeartbeatAtMs: now,
    heartbeatDue: true,
    stateSeq: 0,
    nextOpId: 1,
    nextMsgId: 1,
    nodeIndex,
    groupIndex,
    nodes,
    pings: config.pingTargets.map((t) => ({
      name: t.name,
      status: 'init',
      addresses: t.addresses.map((address) => ({ address, lastReplyAtMs: null, inFlightSinceAtMs: null, nextProbeAtMs: now })),
    })),
    reachable: 0,
    hasQuorum: config.pingTargets.length === 0,
    noQuorumSinceAtMs: config.pingTargets.length === 0 ? null : now,
    rejoinWaitUntilAtMs: null,
    reachBehindSinceAtMs: null,
    groups,
    outbox: [],
    admin: [],
    shutdownStartedAtMs: null,
    leavingSentAtMs: null,
    lastStallAtMs: null,
    lastStallMs: 0,
    stallEndedAtMs: null,
    dirty: true,
  };
  // The generation must be durable before the first packet that carries it.
  const effects: Effect[] = [{ kind: 'persistGeneration', generation }];
  const ctx: Ctx = { s, now, effects };
  emit(ctx, { kind: 'nodeStarted', atMs: now, generation });
  for (const g of groups) startProbe(ctx, g);
  checkCommUp(ctx); // a one-node cluster is up at once (once the probe is done)
  reconcile(ctx);
  probeDue(ctx);
  return finishStep(ctx);
}

export function step(state: NodeState, input: Input): StepResult<NodeState> {
  const s = state;
  const now = Math.max(input.nowMs, s.nowMs); // a monotonic clock never goes back; be safe anyway
  const ctx: Ctx = { s, now, effects: [] };
  s.nowMs = now;
  if (s.phase === 'stopped') return { state: s, effects: ctx.effects, wakeAtMs: now + IDLE_WAKE_MS };

  // We asked to be woken at wakeAtMs; arriving much later means this process was not running.
  const lateMs = now - s.wakeAtMs;
  if (input.kind !== 'localStallDetected' && lateMs > stallThresholdMs(s.config)) onStall(ctx, lateMs);
  // Some deadline we asked to be woken for has passed (whatever input brought us here): decide again.
  if (now >= s.wakeAtMs) s.dirty = true;

  switch (input.kind) {
    case 'timer':
      s.dirty = true;
      break;
    case 'packetReceived':
      onPacket(ctx, input);
      break;
    case 'pingProbeFinished':
      onProbeFinished(ctx, input.target, input.address, input.reachable);
      break;
    case 'resourceOpFinished':
      onOpFinished(ctx, input);
      break;
    case 'adminRequested':
      onAdminRequested(ctx, input);
      break;
    case 'fenceFinished':
      onFenceFinished(ctx, input.node, input.success);
      break;
    case 'localStallDetected':
      onStall(ctx, input.stalledMs);
      break;
    case 'shutdownRequested':
      onShutdown(ctx);
      break;
  }

  // Deadlines are checked on every step, not only on timers: a packet may arrive after a deadline passed.
  checkDeadlines(ctx);
  checkPingDeadlines(ctx);
  checkCommUp(ctx);
  resendDue(ctx);
  // Decide first (conflicts, hand-overs), then let due operations proceed.
  if (s.dirty) reconcile(ctx);
  advanceAll(ctx);
  if (s.dirty) reconcile(ctx); // an operation that just finished may call for a decision
  if (s.admin.length > 0) progressAdmin(ctx);
  progressShutdown(ctx);
  probeDue(ctx);
  return finishStep(ctx);
}

function onPacket(ctx: Ctx, input: Extract<Input, { kind: 'packetReceived' }>): void {
  const s = ctx.s;
  const i = peerIndex(s, input.from);
  if (i < 0) return; // ourselves (looped back) or not a cluster node: the codec reports unknown senders
  const m = input.message;
  if (!notePacket(ctx, i, input.link, input.generation, m)) return;
  const p = s.nodes[i]!;
  switch (m.type) {
    case 'heartbeat':
      applyHeartbeat(ctx, i, m);
      break;
    case 'ack':
      onAck(ctx, i, m.msgId);
      break;
    case 'groupRequest':
      if (acceptReliable(ctx, p, m.msgId)) onGroupRequest(ctx, i, m.groups);
      break;
    case 'groupReleased':
      if (acceptReliable(ctx, p, m.msgId)) onGroupReleased(ctx, i, m);
      break;
    case 'leaving':
      if (acceptReliable(ctx, p, m.msgId)) onLeaving(ctx, i, m.unclean ?? []);
      break;
    case 'groupCleanup':
      if (acceptReliable(ctx, p, m.msgId)) {
        if (m.stateSeq !== undefined && m.stateSeq > p.stateSeq) p.stateSeq = m.stateSeq;
        const gi = s.groupIndex[m.group];
        if (gi !== undefined) applyCleanup(ctx, s.groups[gi]!, i, m.vouchedFor);
      }
      break;
    case 'nodeFenced':
      if (acceptReliable(ctx, p, m.msgId)) onNodeFenced(ctx, i, m.node, m.generation);
      break;
  }
}

function onShutdown(ctx: Ctx): void {
  const s = ctx.s;
  if (s.phase === 'leaving') return;
  const holding = s.groups.filter((g) => g.state === 'started' || g.state === 'starting' || g.state === 'stopping').map((g) => g.id);
  s.phase = 'leaving';
  s.shutdownStartedAtMs = ctx.now;
  s.heartbeatDue = true;
  s.dirty = true;
  emit(ctx, { kind: 'shutdownStarted', atMs: ctx.now, holding });
  abandonAdmin(ctx, `${s.localNode} is shutting down`);
}

/** Leaving: once every group is stopped (or stuck), say `leaving` and finish when peers acked it. */
function progressShutdown(ctx: Ctx): void {
  const s = ctx.s;
  if (s.phase !== 'leaving') return;
  for (const g of s.groups) {
    if (g.op !== null || g.state === 'starting' || g.state === 'started' || g.state === 'stopping') return;
  }
  if (s.leavingSentAtMs === null) {
    s.leavingSentAtMs = ctx.now;
    sendHeartbeat(ctx); // our final claims (failed stops included) go out before `leaving`
    const unclean = s.groups.filter((g) => g.state === 'unclean').map((g) => g.id);
    for (let i = 0; i < s.nodes.length; i++) {
      if (i !== s.localIndex && isAlivePeer(s.nodes[i]!)) sendReliable(ctx, i, unclean.length > 0 ? { type: 'leaving', unclean } : { type: 'leaving' });
    }
  }
  if (!pendingTo(ctx, 'leaving') || ctx.now >= s.leavingSentAtMs + leavingAckWaitMs(s.config)) {
    sendHeartbeat(ctx); // the last word: status leaving, no claims but failed stops
    s.phase = 'stopped';
    s.outbox = [];
    emit(ctx, { kind: 'shutdownCompleted', atMs: ctx.now });
  }
}

function claimsOf(s: NodeState): GroupClaim[] {
  const claims: GroupClaim[] = [];
  for (const g of s.groups) {
    if (g.state === 'stopped') continue;
    claims.push(g.tentativeUntilAtMs !== null ? { group: g.id, state: g.state, epoch: g.epoch, tentative: true } : { group: g.id, state: g.state, epoch: g.epoch });
  }
  return claims;
}

function sendHeartbeat(ctx: Ctx): void {
  const s = ctx.s;
  const status = s.phase === 'active' ? 'active' : s.phase === 'up' ? 'up' : 'leaving';
  const stateSeq = ++s.stateSeq;
  const seen: number[] = new Array(s.nodes.length);
  const seenGenerations: number[] = new Array(s.nodes.length);
  for (let i = 0; i < s.nodes.length; i++) {
    seen[i] = i === s.localIndex ? 0 : s.nodes[i]!.stateSeq;
    seenGenerations[i] = i === s.localIndex ? 0 : s.nodes[i]!.generation;
  }
  for (const g of s.groups) if (g.tentativeUntilAtMs !== null && g.tentativeSeq === 0) g.tentativeSeq = stateSeq;
  const message: HeartbeatMessage = { type: 'heartbeat', status, pingReachable: s.reachable, claims: claimsOf(s), stateSeq, seen, seenGenerations };
  send(ctx, 'all', message);
  s.heartbeatDue = false;
  s.nextHeartbeatAtMs = ctx.now + s.config.keepaliveMs;
}

function finishStep(ctx: Ctx): StepResult<NodeState> {
  const s = ctx.s;
  if (s.phase !== 'stopped' && (s.heartbeatDue || ctx.now >= s.nextHeartbeatAtMs)) {
    sendHeartbeat(ctx);
    // A start announced by this very heartbeat may go ahead at once when no live peer must see it first.
    let advanced = false;
    for (const g of s.groups) {
      if (g.tentativeUntilAtMs !== null && g.op === null) {
        advance(ctx, g);
        advanced = true;
      }
    }
    if (advanced && s.heartbeatDue) sendHeartbeat(ctx);
  }
  if (s.phase === 'stopped') return { state: s, effects: ctx.effects, wakeAtMs: ctx.now + IDLE_WAKE_MS };
  const wakeAtMs = Math.max(ctx.now + 1, nextWake(s, ctx.now));
  s.wakeAtMs = wakeAtMs;
  return { state: s, effects: ctx.effects, wakeAtMs };
}

/** The earliest instant something is due: keepalive, deadlines, probes, resends, retries, soaks. */
/** `t` or `x`, whichever is earlier, counting only instants still in the future. */
function earlier(t: AtMs, x: number | null, now: AtMs): AtMs {
  return x !== null && x > now && x < t ? x : t;
}

function nextWake(s: NodeState, now: AtMs): AtMs {
  const c = s.config;
  let t = s.nextHeartbeatAtMs;
  if (s.phase === 'up') t = earlier(t, s.initdeadAtMs, now);
  const soakMs = failbackSoakMs(c);
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex) continue;
    const p = s.nodes[i]!;
    if (p.status === 'unknown') t = earlier(t, s.initdeadAtMs, now);
    else if (isAlivePeer(p) && p.lastHeardAtMs !== null) t = earlier(t, p.lastHeardAtMs + c.deadtimeMs, now);
    for (let k = 0; k < p.links.length; k++) {
      const l = p.links[k]!;
      if (l.up) t = earlier(t, l.lastHeardAtMs + c.deadtimeMs, now);
    }
    if (p.status === 'active' && p.activeSinceAtMs !== null) {
      t = earlier(t, p.activeSinceAtMs + soakMs, now);
      if (p.reachChangedAtMs !== null) t = earlier(t, p.reachChangedAtMs + soakMs, now);
    }
    if (p.status === 'up' && p.upSinceAtMs !== null) t = earlier(t, p.upSinceAtMs + c.initdeadMs, now);
    t = earlier(t, p.fenceRetryAtMs, now);
  }
  const probeTimeout = pingProbeTimeoutMs(c);
  for (let ti = 0; ti < s.pings.length; ti++) {
    const tgt = s.pings[ti]!;
    for (let k = 0; k < tgt.addresses.length; k++) {
      const a = tgt.addresses[k]!;
      t = earlier(t, a.inFlightSinceAtMs === null ? a.nextProbeAtMs : Math.max(a.nextProbeAtMs, a.inFlightSinceAtMs + probeTimeout + c.keepaliveMs), now);
    }
    if (tgt.status !== 'dead') t = earlier(t, (lastReplyAtMs(s, ti) ?? s.startedAtMs) + c.deadpingMs, now);
  }
  const silentSince = silentAllAroundSinceAtMs(s);
  if (silentSince !== null && s.pings.some((tgt) => tgt.status !== 'dead')) t = earlier(t, silentSince + cutOffAfterMs(c), now);
  t = earlier(t, isolatedAtMs(s), now);
  if (s.reachBehindSinceAtMs !== null) t = earlier(t, s.reachBehindSinceAtMs + ipfailDelayMs(c), now);
  for (let k = 0; k < s.outbox.length; k++) t = earlier(t, s.outbox[k]!.nextSendAtMs, now);
  for (let k = 0; k < s.groups.length; k++) {
    const g = s.groups[k]!;
    if (g.op === null) {
      t = earlier(t, g.retryAtMs, now);
      t = earlier(t, g.monitorAtMs, now);
    }
    if (g.hint !== null) t = earlier(t, g.hint.atMs + handoffHintTtlMs(c), now);
    t = earlier(t, g.tentativeUntilAtMs, now);
  }
  if (s.stallEndedAtMs !== null) t = earlier(t, s.stallEndedAtMs + c.deadtimeMs, now);
  t = earlier(t, s.rejoinWaitUntilAtMs, now);
  for (let k = 0; k < s.admin.length; k++) t = earlier(t, s.admin[k]!.deadlineAtMs, now);
  if (s.leavingSentAtMs !== null) t = earlier(t, s.leavingSentAtMs + leavingAckWaitMs(c), now);
  return t;
}

export function describeNode(state: NodeState): NodeView {
  const s = state;
  const me = s.localIndex;
  return {
    localNode: s.localNode,
    generation: s.generation,
    nowMs: s.nowMs,
    status: s.phase,
    nodes: s.config.nodes.map((name, i) => {
      if (i === me) {
        return {
          name,
          status: s.phase === 'stopped' ? 'dead' : s.phase,
          generation: s.generation,
          lastHeardAtMs: s.nowMs,
          pingReachable: s.reachable,
          links: [],
        };
      }
      const p = s.nodes[i]!;
      return {
        name,
        status: p.status === 'unknown' ? 'init' : p.status,
        generation: p.generation === 0 ? null : p.generation,
        lastHeardAtMs: p.lastHeardAtMs,
        pingReachable: p.pingReachable,
        links: p.links.map((l) => ({ link: l.name, status: l.up ? 'up' : 'dead', lastHeardAtMs: l.lastHeardAtMs })),
      };
    }),
    pingTargets: s.pings.map((t, ti) => ({ name: t.name, status: t.status === 'up' ? 'up' : 'dead', lastHeardAtMs: lastReplyAtMs(s, ti) })),
    quorum: { reachable: s.reachable, total: s.pings.length, hasQuorum: s.hasQuorum },
    groups: s.groups.map((g) => {
      let owner: string | null = null;
      if (isHoldingState(g.state)) owner = s.localNode;
      else {
        const h = liveHolder(s, g);
        if (h >= 0) owner = s.nodes[h]!.name;
      }
      const blockedBy = blockerOf(s, g);
      return {
        ...(blockedBy !== null ? { blockedBy } : {}),
        ...(g.refusal !== null ? { refusal: g.refusal } : {}),
        id: g.id,
        preferredNode: s.config.groups[g.index]!.preferredNode,
        owner,
        localState: g.state,
        epoch: isHoldingState(g.state) || g.state === 'failed' ? g.epoch : g.maxEpochSeen,
        members: g.members.map((st, k) => ({
          token: s.config.groups[g.index]!.resources[k]!.token,
          state: g.state === 'failed' && k === g.failedMember ? 'failed' : st,
        })),
      };
    }),
  };
}

function blockerOf(s: NodeState, g: GroupRuntime): { node: string; why: 'unclean' | 'notFenced' } | null {
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex) continue;
    const p = s.nodes[i]!;
    if (p.unclean[g.index]) return { node: p.name, why: 'unclean' };
  }
  const d = deadBlocker(s, g);
  return d >= 0 ? { node: s.nodes[d]!.name, why: 'notFenced' } : null;
}
