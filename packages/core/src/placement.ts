// Who may run a group and who should: pure functions of one node's view. Every node evaluates the
// same rules on (nearly) the same view, so they agree on one owner without a vote:
//   eligible  = active, has ping quorum, reaches as many ping targets as the best node (ipfail),
//               and the group has not failed to start there;
//   placement = the hand-over target while a hand-over is in flight, else the preferred node
//               (haresources line) if eligible, else the first eligible node in `node` order.

import { failbackSoakMs, handoffHintTtlMs } from './policy';
import { isAlivePeer, isHoldingState, fencingEnabled, type GroupRuntime, type NodeState } from './state';

export const NOBODY = -1;
/** A peer is still starting up (heard, not yet active): wait for it before placing unheld groups. */
export const DEFER = -2;

export function isActive(s: NodeState, i: number): boolean {
  return i === s.localIndex ? s.phase === 'active' : s.nodes[i]!.status === 'active';
}

export function reachOf(s: NodeState, i: number): number {
  return i === s.localIndex ? s.reachable : (s.nodes[i]!.pingReachable ?? 0);
}

export function hasQuorumOf(s: NodeState, i: number): boolean {
  return s.pings.length === 0 || reachOf(s, i) >= 1;
}

/** The most ping targets any active node reaches (ipfail compares against it). */
export function maxReach(s: NodeState): number {
  let best = s.phase === 'active' ? s.reachable : 0;
  for (let i = 0; i < s.nodes.length; i++) {
    if (i !== s.localIndex && s.nodes[i]!.status === 'active') best = Math.max(best, s.nodes[i]!.pingReachable ?? 0);
  }
  return best;
}

export function failedOn(s: NodeState, i: number, g: GroupRuntime): boolean {
  return i === s.localIndex ? g.state === 'failed' : s.nodes[i]!.claimState[g.index] === 'failed';
}

export function eligible(s: NodeState, i: number, g: GroupRuntime, best = maxReach(s)): boolean {
  return isActive(s, i) && hasQuorumOf(s, i) && reachOf(s, i) >= best && !failedOn(s, i, g);
}

export function hintValid(s: NodeState, g: GroupRuntime): boolean {
  const h = g.hint;
  if (h === null) return false;
  if (s.nowMs >= h.atMs + handoffHintTtlMs(s.config)) return false;
  return eligible(s, h.to, g);
}

/** True while some peer has been heard but has not finished its own start-up (bounded by initdead). */
export function peerStillStarting(s: NodeState): boolean {
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex) continue;
    const p = s.nodes[i]!;
    if (p.status === 'up' && p.upSinceAtMs !== null && s.nowMs < p.upSinceAtMs + s.config.initdeadMs) return true;
  }
  return false;
}

/** Where an unheld group should run, leaving out `exclude` (the node giving it up). */
export function placeUnheld(s: NodeState, g: GroupRuntime, exclude: number): number {
  const best = maxReach(s);
  if (hintValid(s, g) && g.hint!.to !== exclude) return g.hint!.to;
  if (peerStillStarting(s)) return DEFER;
  const p = g.preferredIndex;
  if (p >= 0 && p !== exclude && eligible(s, p, g, best)) return p;
  for (let i = 0; i < s.config.nodes.length; i++) {
    if (i !== exclude && eligible(s, i, g, best)) return i;
  }
  return NOBODY;
}

/** A live peer that holds (or is stopping, or failed to stop) the group; -1 if none. */
export function liveHolder(s: NodeState, g: GroupRuntime): number {
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex) continue;
    const p = s.nodes[i]!;
    if (isAlivePeer(p) && (isHoldingState(p.claimState[g.index]!) || p.unclean[g.index])) return i;
  }
  return NOBODY;
}

/**
 * A dead peer that still blocks the group: its stop failed (unclean), or, with fencing
 * configured, it was declared dead without leaving cleanly and has not been fenced yet. -1 if none.
 */
export function deadBlocker(s: NodeState, g: GroupRuntime): number {
  const fencing = fencingEnabled(s);
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex) continue;
    const p = s.nodes[i]!;
    if (p.status !== 'dead' && p.status !== 'unknown') continue;
    if (p.unclean[g.index]) return i;
    if (fencing && p.fencePending && !p.vouched[g.index]) return i;
  }
  return NOBODY;
}

/** The preferred node is back, active for the soak period, and able to run the group. */
export function readyForFailback(s: NodeState, g: GroupRuntime): boolean {
  const p = g.preferredIndex;
  if (p < 0 || p === s.localIndex) return false;
  const peer = s.nodes[p]!;
  if (peer.status !== 'active' || peer.activeSinceAtMs === null) return false;
  const since = Math.max(peer.activeSinceAtMs, peer.reachChangedAtMs ?? 0);
  if (s.nowMs < since + failbackSoakMs(s.config)) return false;
  return eligible(s, p, g);
}

export function anyPeerAlive(s: NodeState): boolean {
  for (let i = 0; i < s.nodes.length; i++) {
    if (i !== s.localIndex && isAlivePeer(s.nodes[i]!)) return true;
  }
  return false;
}

/**
 * Split-brain rule: the higher takeover epoch wins; equal epochs → a fully running copy over one
 * still starting (when the caller says which runs), then the group's preferred node;
 * neither preferred → the node listed first in `node` order. Returns the winner and the words.
 */
export function splitBrainWinner(
  s: NodeState,
  g: GroupRuntime,
  a: number,
  epochA: number,
  b: number,
  epochB: number,
  runningA = false,
  runningB = false,
): { winner: number; rule: string } {
  const na = s.config.nodes[a]!;
  const nb = s.config.nodes[b]!;
  if (epochA !== epochB) {
    const winner = epochA > epochB ? a : b;
    return { winner, rule: `higher takeover epoch wins (${na} ${epochA}, ${nb} ${epochB})` };
  }
  // Equal epochs (two sides that could not hear each other took it in the same round): a copy that
  // serves beats one still starting, rather than cutting the service for a start that may fail.
  if (runningA !== runningB) {
    const winner = runningA ? a : b;
    return { winner, rule: `equal epochs (${epochA}); ${s.config.nodes[winner]} already runs it, the other was still starting` };
  }
  if (g.preferredIndex === a || g.preferredIndex === b) {
    return { winner: g.preferredIndex, rule: `equal epochs (${epochA}); ${s.config.nodes[g.preferredIndex]} is the preferred node` };
  }
  const winner = Math.min(a, b);
  return { winner, rule: `equal epochs (${epochA}); ${s.config.nodes[winner]} comes first in node order` };
}
