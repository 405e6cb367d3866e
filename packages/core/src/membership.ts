// Membership: who is alive, over which links, in which incarnation. A peer is dead when no packet
// arrived on any link for deadtime (initdead until it is first heard after we started); a link is
// dead when nothing arrived on it for deadtime. Heartbeats carry the peer's status, ping reach and
// group claims. A new generation means the peer restarted.

import { emit, type Ctx } from './context';
import { seconds } from './format';
import type { ClusterMessage, HeartbeatMessage } from './messages';
import { dropOutboxTo, sendOwedCleanups } from './reliable';
import { fencingEnabled, isAlivePeer, type ClaimState, type LinkState, type NodeState, type PeerState } from './state';

export function peerIndex(s: NodeState, name: string): number {
  const i = s.nodeIndex[name];
  return i === undefined || i === s.localIndex ? -1 : i;
}

/** Liveness and link bookkeeping for any packet; returns false if the packet must be ignored. */
export function notePacket(ctx: Ctx, i: number, link: string, generation: number, message: ClusterMessage): boolean {
  const s = ctx.s;
  const p = s.nodes[i]!;
  if (p.fencedGeneration !== 0 && generation <= p.fencedGeneration) return false; // a fenced incarnation
  if (p.generation !== 0 && generation < p.generation) return false; // an older incarnation (the codec should have dropped it)
  if (p.generation !== 0 && generation > p.generation) peerRestarted(ctx, i, generation);
  p.generation = generation;

  let l: LinkState | undefined;
  for (let k = 0; k < p.links.length; k++) {
    if (p.links[k]!.name === link) {
      l = p.links[k];
      break;
    }
  }
  if (l === undefined) {
    l = { name: link, lastHeardAtMs: ctx.now, up: false };
    p.links.push(l);
  }
  l.lastHeardAtMs = ctx.now;
  if (!l.up) {
    l.up = true;
    emit(ctx, { kind: 'linkUp', atMs: ctx.now, peer: p.name, link });
  }

  const wasAlive = isAlivePeer(p);
  if (message.type === 'heartbeat' && wasAlive && p.lastHeartbeatAtMs !== null) {
    const gapMs = ctx.now - p.lastHeartbeatAtMs;
    if (gapMs > s.config.warntimeMs) {
      emit(ctx, { kind: 'lateHeartbeat', atMs: ctx.now, peer: p.name, sinceMs: gapMs, warntimeMs: s.config.warntimeMs, deadtimeMs: s.config.deadtimeMs });
    }
  }
  p.lastHeardAtMs = ctx.now;
  p.lastPacketAtMs = ctx.now;
  if (message.type === 'heartbeat') p.lastHeartbeatAtMs = ctx.now;
  if (!wasAlive) {
    emit(ctx, { kind: 'peerHeard', atMs: ctx.now, peer: p.name, generation, firstTime: !p.everHeard });
    p.everHeard = true;
    p.leftCleanly = false;
    p.status = 'up';
    p.upSinceAtMs = ctx.now;
    p.activeSinceAtMs = null;
    p.deadSinceAtMs = null;
    s.dirty = true;
  }
  if (p.owedCleanups.length > 0) sendOwedCleanups(ctx, i);
  return true;
}

/** A new generation: the old incarnation is gone, with everything it held and everything we sent it. */
function peerRestarted(ctx: Ctx, i: number, generation: number): void {
  const s = ctx.s;
  const p = s.nodes[i]!;
  emit(ctx, { kind: 'peerRestarted', atMs: ctx.now, peer: p.name, oldGeneration: p.generation, newGeneration: generation });
  forgetClaims(ctx, i, 'restarted', 0);
  p.fencePending = false; // that incarnation is gone; the new one tells us what it runs
  p.leftCleanly = false;
  p.stateSeq = 0;
  p.seenMine = 0;
  p.reportsSeen = false;
  p.seenMsgIds = [];
  p.fenceRunning = false;
  p.fenceRetryAtMs = null;
  p.activeSinceAtMs = null;
  if (isAlivePeer(p)) {
    p.status = 'up';
    p.upSinceAtMs = ctx.now;
  }
  dropOutboxTo(ctx, i);
  for (const g of s.groups) {
    // Like a death: once it is back and stable, auto_failback may return its groups.
    if (g.preferredIndex === i && (g.state === 'started' || g.state === 'starting')) g.failbackPending = true;
    if (g.hint !== null && (g.hint.to === i || g.hint.from === i)) g.hint = null;
    if (g.requestedBy === i) g.requestedBy = -1;
  }
  s.dirty = true;
}

/** The peer no longer holds anything it claimed (except failed stops, which we remember). */
function forgetClaims(ctx: Ctx, i: number, why: 'dead' | 'left' | 'restarted' | 'fenced', silentMs: number): void {
  const s = ctx.s;
  const p = s.nodes[i]!;
  for (const g of s.groups) {
    const c = p.claimState[g.index]!;
    if (c === 'unclean' && why !== 'fenced') markUnclean(p, g.index);
    if (c === 'starting' || c === 'started' || c === 'stopping' || c === 'unclean') {
      g.lastHolder = { node: i, why, atMs: ctx.now, silentMs };
      // A new situation: a group that failed here before gets another chance now that its holder is gone.
      if (g.state === 'failed') g.state = 'stopped';
    }
    p.claimState[g.index] = null;
    p.claimTentative[g.index] = false;
  }
}

export function markUnclean(p: PeerState, gi: number): void {
  p.unclean[gi] = true;
  p.uncleanGeneration[gi] = p.generation;
}

export function applyHeartbeat(ctx: Ctx, i: number, m: HeartbeatMessage): void {
  const s = ctx.s;
  const p = s.nodes[i]!;
  if (m.stateSeq !== undefined) {
    if (m.stateSeq < p.stateSeq) return; // reordered: older than what we applied
    p.stateSeq = m.stateSeq;
  }
  p.lastClaimsAtMs = ctx.now;
  if (p.status === 'leaving' && m.status !== 'leaving') {
    // 'leaving' is final for an incarnation; a later heartbeat cannot revive it.
  } else {
    const status = m.status === 'active' ? 'active' : m.status === 'leaving' ? 'leaving' : 'up';
    if (status !== p.status) {
      if (status === 'active') p.activeSinceAtMs = ctx.now;
      if (status === 'leaving') {
        emit(ctx, { kind: 'peerLeaving', atMs: ctx.now, peer: p.name });
        p.activeSinceAtMs = null;
      }
      p.status = status;
      s.dirty = true;
    }
  }
  if (m.claimsUnreadable === true) {
    // Alive, but what it holds and what it saw of ours cannot be read: keep its claims as they
    // were and start nothing anywhere until the lists match (ownership.ts, maybeStart).
    if (!p.claimsUnreadable) {
      p.claimsUnreadable = true;
      s.dirty = true;
    }
    return;
  }
  if (p.claimsUnreadable) {
    p.claimsUnreadable = false;
    s.dirty = true;
  }
  if (m.seen !== undefined) {
    p.reportsSeen = true;
    // Only what it saw of *this* incarnation of us counts (it may not have heard our restart yet).
    const gen = m.seenGenerations?.[s.localIndex];
    const v = gen === undefined || gen === s.generation ? (m.seen[s.localIndex] ?? 0) : 0;
    if (v > p.seenMine) {
      p.seenMine = v;
      for (const g of s.groups) if (g.tentativeUntilAtMs !== null) s.dirty = true; // an announced start may go ahead
    }
  }
  if (p.pingReachable !== m.pingReachable) {
    p.pingReachable = m.pingReachable;
    p.reachChangedAtMs = ctx.now;
    s.dirty = true;
  }
  // Claims: a group the heartbeat does not mention is not held by the sender.
  for (const g of s.groups) {
    let state: ClaimState | null = null;
    let epoch = 0;
    let tentative = false;
    for (const c of m.claims) {
      if (c.group === g.id) {
        state = c.state;
        epoch = c.epoch;
        tentative = c.tentative === true;
        break;
      }
    }
    if (tentative && !p.claimTentative[g.index]) s.heartbeatDue = true; // answer at once: it waits for us to have seen it
    if (p.claimState[g.index] !== state || p.claimEpoch[g.index] !== epoch || p.claimTentative[g.index] !== tentative) {
      p.claimState[g.index] = state;
      p.claimEpoch[g.index] = epoch;
      p.claimTentative[g.index] = tentative;
      s.dirty = true;
    }
    if (epoch > g.maxEpochSeen) g.maxEpochSeen = epoch;
    // Remembered until fenced or cleaned up, even across the peer's restarts: the stuck resource may
    // still run. The same incarnation saying it no longer is unclean was cleaned up there; a later
    // incarnation past its start-up probe (active, or leaving) that claims nothing (or a rolled-back
    // start) checked every member's status: it found the group stopped, or adopted the leftover and
    // has stopped it cleanly since. (An adopted copy it still runs is the stuck one: remembered.)
    if (state === 'unclean') markUnclean(p, g.index);
    else if (
      p.unclean[g.index] &&
      (p.uncleanGeneration[g.index] === p.generation || ((m.status === 'active' || m.status === 'leaving') && (state === null || state === 'failed')))
    ) {
      p.unclean[g.index] = false;
      s.dirty = true;
    }
  }
  if (p.fencePending) {
    p.fencePending = false; // alive after all: what it runs is in its claims
    s.dirty = true;
  }
}

/** `leaving`: the peer stopped its groups and shuts down; take over now rather than after deadtime. */
export function onLeaving(ctx: Ctx, i: number, unclean: readonly string[]): void {
  const s = ctx.s;
  const p = s.nodes[i]!;
  for (const id of unclean) {
    const gi = s.groupIndex[id];
    if (gi !== undefined) markUnclean(p, gi);
  }
  // Its heartbeats may have said 'leaving' already (while it stopped its groups); this message says it is done.
  if (p.status !== 'leaving') emit(ctx, { kind: 'peerLeaving', atMs: ctx.now, peer: p.name });
  p.status = 'leaving';
  p.leftCleanly = true;
  p.activeSinceAtMs = null;
  forgetClaims(ctx, i, 'left', 0);
  s.dirty = true;
}

/** Timer: links and peers whose evidence is older than deadtime (initdead if never heard). */
export function checkDeadlines(ctx: Ctx): void {
  const s = ctx.s;
  const deadtime = s.config.deadtimeMs;
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex) continue;
    const p = s.nodes[i]!;
    for (const l of p.links) {
      if (l.up && ctx.now >= l.lastHeardAtMs + deadtime) {
        l.up = false;
        emit(ctx, { kind: 'linkDead', atMs: ctx.now, peer: p.name, link: l.name, silentMs: ctx.now - l.lastHeardAtMs });
      }
    }
    if (p.status === 'unknown') {
      if (ctx.now >= s.initdeadAtMs) declareDead(ctx, i, ctx.now - s.startedAtMs);
    } else if (isAlivePeer(p) && p.lastHeardAtMs !== null && ctx.now >= p.lastHeardAtMs + deadtime) {
      declareDead(ctx, i, ctx.now - p.lastHeardAtMs);
    }
  }
}

function declareDead(ctx: Ctx, i: number, silentMs: number): void {
  const s = ctx.s;
  const p = s.nodes[i]!;
  const leftCleanly = p.leftCleanly;
  p.status = 'dead';
  p.deadSinceAtMs = ctx.now;
  p.activeSinceAtMs = null;
  p.upSinceAtMs = null;
  p.claimsUnreadable = false;
  emit(ctx, { kind: 'peerDeclaredDead', atMs: ctx.now, peer: p.name, silentMs });
  // Silence does not prove it stopped anything (it may only be cut off): with fencing configured,
  // nothing starts anywhere until it is fenced, as Heartbeat's STONITH rule (§5.8). A clean leave is proof.
  if (fencingEnabled(s) && !leftCleanly) {
    p.fencePending = true;
    p.vouched.fill(false);
  }
  forgetClaims(ctx, i, 'dead', silentMs);
  dropOutboxTo(ctx, i);
  for (const g of s.groups) {
    if (g.hint !== null && g.hint.to === i) g.hint = null;
    if (g.requestedBy === i) g.requestedBy = -1;
  }
  s.dirty = true;
}

/** Fencing succeeded (here or reported by a peer): the incarnation is gone, its groups are free. */
export function markFenced(ctx: Ctx, i: number, generation: number): void {
  const s = ctx.s;
  const p = s.nodes[i]!;
  p.fencedGeneration = Math.max(p.fencedGeneration, generation);
  p.fenceRunning = false;
  p.fenceRetryAtMs = null;
  p.fencePending = false;
  forgetClaims(ctx, i, 'fenced', 0);
  p.unclean.fill(false);
  for (const g of s.groups) {
    if (g.lastHolder !== null && g.lastHolder.node === i) g.lastHolder = { ...g.lastHolder, why: 'fenced' };
  }
  if (isAlivePeer(p) || p.status === 'unknown') {
    p.status = 'dead';
    p.deadSinceAtMs = ctx.now;
    p.activeSinceAtMs = null;
    p.upSinceAtMs = null;
    emit(ctx, { kind: 'peerDeclaredDead', atMs: ctx.now, peer: p.name, silentMs: p.lastHeardAtMs === null ? 0 : ctx.now - p.lastHeardAtMs });
  }
  dropOutboxTo(ctx, i);
  s.dirty = true;
}

/**
 * We stalled (event loop blocked, VM paused): evidence we collected before the stall is as old as
 * it looks only because we were not looking. Push every liveness deadline back by the stall, so
 * peers are judged on what arrives after we resumed, not declared dead on stale evidence.
 */
export function onStall(ctx: Ctx, stalledMs: number): void {
  const s = ctx.s;
  let extra = stalledMs;
  // The shell's report and our own late-timer detection may describe the same stall: count it once.
  if (s.lastStallAtMs !== null && ctx.now - s.lastStallAtMs <= s.config.keepaliveMs) extra = Math.max(0, stalledMs - s.lastStallMs);
  s.lastStallAtMs = ctx.now;
  s.lastStallMs = Math.max(stalledMs, extra);
  s.stallEndedAtMs = ctx.now;
  emit(ctx, { kind: 'localStall', atMs: ctx.now, stalledMs });
  if (extra <= 0) return;
  const shift = (t: number): number => Math.min(ctx.now, t + extra);
  s.initdeadAtMs += extra;
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex) continue;
    const p = s.nodes[i]!;
    if (p.lastHeardAtMs !== null) p.lastHeardAtMs = shift(p.lastHeardAtMs);
    if (p.lastHeartbeatAtMs !== null) p.lastHeartbeatAtMs = shift(p.lastHeartbeatAtMs);
    for (const l of p.links) l.lastHeardAtMs = shift(l.lastHeardAtMs);
  }
  for (const t of s.pings) {
    for (const a of t.addresses) {
      if (a.lastReplyAtMs !== null) a.lastReplyAtMs = shift(a.lastReplyAtMs);
      a.inFlightSinceAtMs = null;
    }
  }
  if (s.noQuorumSinceAtMs !== null) s.noQuorumSinceAtMs = shift(s.noQuorumSinceAtMs);
  s.heartbeatDue = true;
}

/** Every peer heard or declared dead: we are active (Heartbeat's Comm_now_up). */
export function checkCommUp(ctx: Ctx): void {
  const s = ctx.s;
  if (s.phase !== 'up') return;
  // Like Heartbeat, ping nodes count too: each must have answered or been declared dead
  // (deadping), so the reach we advertise as 'active' is settled, not a start-up zero.
  for (const t of s.pings) if (t.status === 'init') return;
  // And we know what already runs here (the start-up probe), before we claim or take anything.
  for (const g of s.groups) if (g.probing) return;
  const alive: string[] = [];
  const dead: string[] = [];
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex) continue;
    const p = s.nodes[i]!;
    if (p.status === 'unknown') return;
    (p.status === 'dead' ? dead : alive).push(p.name);
  }
  s.phase = 'active';
  s.heartbeatDue = true;
  s.dirty = true;
  emit(ctx, { kind: 'communicationsUp', atMs: ctx.now, waitedMs: ctx.now - s.startedAtMs, alive, dead });
}

export function describeSilence(ms: number): string {
  return seconds(ms);
}
