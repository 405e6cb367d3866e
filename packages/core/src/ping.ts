// Ping nodes and ping groups (Heartbeat's `ping` / `ping_group`): every address is probed every
// keepalive, at most one probe in flight per address. A target is up while some address of it
// answered within deadping; a ping_group is one target, up if any member is. Quorum: with targets
// configured, a node needs at least one of them; with none configured, quorum is trivially true.
// Cut off: a node that hears neither a peer nor any ping target for cutOffAfterMs counts its ping
// targets dead at once (its own link is gone), so it gives up its groups well before the other
// side's deadtime runs out (docs/decisions/ping-quorum-and-ipfail.md).

import { emit, type Ctx } from './context';
import type { AtMs } from './ids';
import { cutOffAfterMs, pingProbeTimeoutMs } from './policy';
import { isAlivePeer, type NodeState } from './state';

export function probeDue(ctx: Ctx): void {
  const s = ctx.s;
  if (s.phase === 'stopped') return;
  const timeoutMs = pingProbeTimeoutMs(s.config);
  for (const t of s.pings) {
    for (const a of t.addresses) {
      if (a.inFlightSinceAtMs !== null && ctx.now < a.inFlightSinceAtMs + timeoutMs + s.config.keepaliveMs) continue;
      if (ctx.now < a.nextProbeAtMs) continue;
      a.inFlightSinceAtMs = ctx.now;
      a.nextProbeAtMs = ctx.now + s.config.keepaliveMs;
      ctx.effects.push({ kind: 'probePingTarget', target: t.name, address: a.address, timeoutMs });
    }
  }
}

export function onProbeFinished(ctx: Ctx, target: string, address: string, reachable: boolean): void {
  const s = ctx.s;
  const t = s.pings.find((x) => x.name === target);
  const a = t?.addresses.find((x) => x.address === address);
  if (t === undefined || a === undefined) return;
  a.inFlightSinceAtMs = null;
  if (!reachable) return; // silence is judged by deadping, not by one lost probe
  a.lastReplyAtMs = ctx.now;
  s.dirty = true; // a takeover may be waiting for fresh ping evidence
  if (t.status !== 'up') {
    t.status = 'up';
    emit(ctx, { kind: 'pingTargetUp', atMs: ctx.now, target: t.name });
    updateQuorum(ctx);
  }
}

export function lastReplyAtMs(s: NodeState, ti: number): number | null {
  let last: number | null = null;
  for (const a of s.pings[ti]!.addresses) {
    if (a.lastReplyAtMs !== null && (last === null || a.lastReplyAtMs > last)) last = a.lastReplyAtMs;
  }
  return last;
}

/** When a peer was last heard (any packet), or when we started if none was since; null in a one-node cluster. */
export function lastPeerHeardAtMs(s: NodeState): AtMs | null {
  if (s.nodes.length < 2) return null;
  let last = s.startedAtMs;
  for (let i = 0; i < s.nodes.length; i++) {
    const heard = i === s.localIndex ? null : s.nodes[i]!.lastHeardAtMs;
    if (heard !== null && heard > last) last = heard;
  }
  return last;
}

/**
 * Since when this node has heard neither a peer nor any ping target (the later of the last peer
 * packet and the last ping reply); null when the cut-off rule does not apply (no ping targets, a
 * one-node cluster, or shutting down).
 */
export function silentAllAroundSinceAtMs(s: NodeState): AtMs | null {
  if (s.pings.length === 0 || (s.phase !== 'active' && s.phase !== 'up')) return null;
  let since = lastPeerHeardAtMs(s);
  if (since === null) return null;
  for (let ti = 0; ti < s.pings.length; ti++) {
    const last = lastReplyAtMs(s, ti);
    if (last !== null && last > since) since = last;
  }
  return since;
}

/** Heard neither a peer nor a ping target for cutOffAfterMs: whatever the targets' status says, we reach none. */
export function isCutOffAt(s: NodeState, now: AtMs): boolean {
  const silentSince = silentAllAroundSinceAtMs(s);
  return silentSince !== null && now >= silentSince + cutOffAfterMs(s.config);
}

export function checkPingDeadlines(ctx: Ctx): void {
  const s = ctx.s;
  const deadping = s.config.deadpingMs;
  const cutOff = isCutOffAt(s, ctx.now);
  for (let ti = 0; ti < s.pings.length; ti++) {
    const t = s.pings[ti]!;
    if (t.status === 'dead') continue;
    const last = lastReplyAtMs(s, ti);
    const since = last ?? s.startedAtMs;
    const byDeadping = ctx.now >= since + deadping;
    if (byDeadping || cutOff) {
      t.status = 'dead';
      const silentMs = ctx.now - since;
      const peersSilentMs = ctx.now - (lastPeerHeardAtMs(s) ?? ctx.now);
      emit(ctx, byDeadping ? { kind: 'pingTargetDead', atMs: ctx.now, target: t.name, silentMs } : { kind: 'pingTargetDead', atMs: ctx.now, target: t.name, silentMs, peersSilentMs });
      updateQuorum(ctx);
    }
  }
}

/**
 * Without quorum, this node is the isolated one when no peer was heard for cutOffAfterMs either
 * (in a one-node cluster: when quorum has been gone a deadtime). It then stops what it holds.
 */
export function isolatedAtMs(s: NodeState): AtMs | null {
  if (s.hasQuorum) return null;
  const heard = lastPeerHeardAtMs(s);
  if (heard !== null) return heard + cutOffAfterMs(s.config);
  return s.noQuorumSinceAtMs === null ? null : s.noQuorumSinceAtMs + s.config.deadtimeMs;
}

function updateQuorum(ctx: Ctx): void {
  const s = ctx.s;
  let reachable = 0;
  for (const t of s.pings) if (t.status === 'up') reachable++;
  const hasQuorum = s.pings.length === 0 || reachable > 0;
  if (reachable === s.reachable && hasQuorum === s.hasQuorum) return;
  s.reachable = reachable;
  if (hasQuorum !== s.hasQuorum) s.noQuorumSinceAtMs = hasQuorum ? null : ctx.now;
  if (hasQuorum && !s.hasQuorum && s.phase === 'active' && s.nodes.length > 1 && !s.nodes.some((p, i) => i !== s.localIndex && isAlivePeer(p))) {
    s.rejoinWaitUntilAtMs = ctx.now + s.config.deadtimeMs;
  }
  s.hasQuorum = hasQuorum;
  s.heartbeatDue = true;
  s.dirty = true;
  emit(ctx, { kind: 'quorumChanged', atMs: ctx.now, reachable, total: s.pings.length, hasQuorum });
}
