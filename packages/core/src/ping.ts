// Ping nodes and ping groups (Heartbeat's `ping` / `ping_group`): every address is probed every
// keepalive, at most one probe in flight per address. A target is up while some address of it
// answered within deadping; a ping_group is one target, up if any member is. Quorum: with targets
// configured, a node needs at least one of them; with none configured, quorum is trivially true.

import { emit, type Ctx } from './context';
import { pingProbeTimeoutMs } from './policy';
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

export function checkPingDeadlines(ctx: Ctx): void {
  const s = ctx.s;
  const deadping = s.config.deadpingMs;
  for (let ti = 0; ti < s.pings.length; ti++) {
    const t = s.pings[ti]!;
    if (t.status === 'dead') continue;
    const last = lastReplyAtMs(s, ti);
    const since = last ?? s.startedAtMs;
    if (ctx.now >= since + deadping) {
      t.status = 'dead';
      emit(ctx, { kind: 'pingTargetDead', atMs: ctx.now, target: t.name, silentMs: ctx.now - since });
      updateQuorum(ctx);
    }
  }
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
