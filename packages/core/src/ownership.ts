// Ownership: after every change, each node decides for each group what *it* must do.
//  - a holder keeps its group unless it shuts down, loses quorum, reaches fewer ping targets than
//    a peer (ipfail), is asked for it (takeover), or owes it back to its preferred node
//    (auto_failback); it then stops it and hands it over (groupReleased);
//  - a node starts an unheld group only if placement names it; "unheld" means no live peer
//    claims it (starting/started/stopping/unclean) and no dead peer blocks it (failed stop, or
//    fencing pending);
//  - two holders (split brain) are resolved by takeover epoch; the loser stops its copy.

import { emit, type Ctx } from './context';
import { list, nodeName, quorumText, seconds } from './format';
import { markFenced } from './membership';
import type { GroupReleasedMessage, ReleaseReason } from './messages';
import {
  deadBlocker,
  DEFER,
  eligible,
  hasQuorumOf,
  isActive,
  liveHolder,
  maxReach,
  NOBODY,
  placeUnheld,
  reachOf,
  readyForFailback,
  splitBrainWinner,
} from './placement';
import { isolatedAtMs, lastPeerHeardAtMs, lastReplyAtMs } from './ping';
import { FENCE_RETRY_DELAY_MS, ipfailDelayMs } from './policy';
import { sendReliable } from './reliable';
import { advance, beginStart, beginStop, withdraw } from './sequencer';
import { fencingEnabled, isAlivePeer, type GroupRuntime, type NodeState } from './state';

export function reconcile(ctx: Ctx): void {
  const s = ctx.s;
  if (s.phase === 'stopped') return;
  if (s.phase === 'up') {
    // Still starting, but a group the start-up probe adopted may already collide with a peer's copy.
    s.dirty = false;
    for (const g of s.groups) if (g.state === 'started') resolveConflicts(ctx, g);
    return;
  }
  s.dirty = false;
  const behind = s.phase === 'active' && s.reachable < maxReach(s);
  if (!behind) s.reachBehindSinceAtMs = null;
  else if (s.reachBehindSinceAtMs === null) s.reachBehindSinceAtMs = ctx.now;
  if (fencingEnabled(s)) fenceWhereNeeded(ctx);
  for (const g of s.groups) {
    if (g.state === 'starting' || g.state === 'started') {
      if (resolveConflicts(ctx, g)) continue;
      holderPolicy(ctx, g);
      if (g.state === 'starting') advance(ctx, g); // a tentative start may proceed now
    } else if (g.state === 'stopped' && s.phase === 'active') {
      maybeStart(ctx, g);
    } else if (g.state === 'failed' && s.phase === 'active') {
      reportIfStranded(ctx, g);
    }
  }
}

/**
 * Another live node claims the group too. A tentative claim (announced, nothing run yet) yields to
 * a real one; two tentative claims, or two real ones (a split brain), are settled by the rule in
 * splitBrainWinner. Returns true if we gave the group up.
 */
function resolveConflicts(ctx: Ctx, g: GroupRuntime): boolean {
  const s = ctx.s;
  const me = s.localIndex;
  const mineTentative = g.tentativeUntilAtMs !== null;
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === me) continue;
    const p = s.nodes[i]!;
    const c = p.claimState[g.index];
    const claims = isAlivePeer(p) && (c === 'starting' || c === 'started' || c === 'stopping' || c === 'unclean');
    const known = g.conflicts.indexOf(i);
    if (!claims) {
      if (known >= 0) g.conflicts.splice(known, 1);
      continue;
    }
    const theirsTentative = c === 'starting' && p.claimTentative[g.index]!;
    if (mineTentative) {
      if (c === 'stopping') continue; // it is giving the group up: wait until it reports stopped
      if (c === 'unclean' || !theirsTentative) {
        withdraw(ctx, g, `${p.name} ${c === 'unclean' ? 'could not stop it (unclean)' : `holds it (${c})`}; not starting it here`);
        return true;
      }
      const { winner, rule } = splitBrainWinner(s, g, me, g.epoch, i, p.claimEpoch[g.index]!);
      if (winner !== me) {
        withdraw(ctx, g, `${p.name} decided to start it at the same time; ${rule}`);
        return true;
      }
      continue; // it withdraws; our start waits until its claim is gone
    }
    if (c === 'unclean' && g.state === 'starting') {
      // Its copy could not be stopped: do not complete a second one next to it.
      beginStop(ctx, g, 'abort', NOBODY, null, `${p.name} could not stop its copy (unclean); not starting ours`);
      return true;
    }
    if (theirsTentative || c === 'stopping' || c === 'unclean') continue;
    // Two real copies: a split brain.
    const { winner, rule } = splitBrainWinner(s, g, me, g.epoch, i, p.claimEpoch[g.index]!, g.state === 'started', c === 'started');
    if (known < 0) {
      g.conflicts.push(i);
      emit(ctx, { kind: 'splitBrainDetected', atMs: ctx.now, group: g.id, peer: p.name, winner: nodeName(s, winner), rule });
    }
    if (winner !== me) {
      beginStop(ctx, g, 'splitBrain', NOBODY, null, `split brain with ${p.name}: ${rule}; stopping our copy`);
      return true;
    }
  }
  return false;
}

function holderPolicy(ctx: Ctx, g: GroupRuntime): void {
  const s = ctx.s;
  const me = s.localIndex;
  if (s.phase === 'leaving') {
    if (g.tentativeUntilAtMs !== null) {
      withdraw(ctx, g, `${s.localNode} is shutting down`);
      return;
    }
    const to = placeUnheld(s, g, me);
    const target = to >= 0 ? to : NOBODY;
    beginStop(ctx, g, 'release', target, 'shutdown', `${s.localNode} is shutting down${target >= 0 ? `; ${nodeName(s, target)} takes over` : ''}`);
    return;
  }
  if (g.state === 'starting' && !s.hasQuorum) {
    // Quorum went away in the middle of a start: no further member may start; undo what did.
    const why = `ping quorum lost while starting (0/${s.pings.length} reachable)`;
    if (g.tentativeUntilAtMs !== null) withdraw(ctx, g, why);
    else beginStop(ctx, g, 'abort', NOBODY, null, why);
    return;
  }
  if (g.state !== 'started') return; // other decisions wait until the start sequence is done
  const best = maxReach(s);
  const mine = s.reachable;
  if (!s.hasQuorum || mine < best) {
    const behindFor = s.reachBehindSinceAtMs === null ? 0 : ctx.now - s.reachBehindSinceAtMs;
    const to = behindFor >= ipfailDelayMs(s.config) ? placeUnheld(s, g, me) : NOBODY;
    if (to >= 0) {
      const why = `${s.localNode} reaches ${mine}/${s.pings.length} ping targets, ${nodeName(s, to)} reaches ${reachOf(s, to)}/${s.pings.length} (ipfail)`;
      beginStop(ctx, g, 'release', to, 'ipfail', why);
      return;
    }
    const isolatedAt = isolatedAtMs(s);
    if (isolatedAt !== null && ctx.now >= isolatedAt) beginStop(ctx, g, 'isolated', NOBODY, null, isolationReason(s, ctx.now));
    return;
  }
  if (g.requestedBy >= 0) {
    const to = g.requestedBy;
    g.requestedBy = NOBODY;
    if (isAlivePeer(s.nodes[to]!)) {
      beginStop(ctx, g, 'release', to, 'takeover', `${nodeName(s, to)} asked for it (hb_takeover)`);
      return;
    }
  }
  if (s.config.autoFailback !== 'off' && g.failbackPending && readyForFailback(s, g)) {
    const p = g.preferredIndex;
    const peer = s.nodes[p]!;
    const why = `auto_failback ${s.config.autoFailback}: preferred node ${peer.name} active for ${seconds(ctx.now - (peer.activeSinceAtMs ?? ctx.now))}`;
    beginStop(ctx, g, 'release', p, 'failback', why);
  }
}

/** Why the isolated node stops its groups, with the numbers behind it. */
function isolationReason(s: NodeState, now: number): string {
  const heard = lastPeerHeardAtMs(s);
  const none = `no ping target reachable (0/${s.pings.length})`;
  if (heard === null) return `${none} for ${seconds(now - (s.noQuorumSinceAtMs ?? now))}: this node is isolated`;
  return `${none} and no peer heard for ${seconds(now - heard)}: this node is isolated; stopping before a peer's deadtime (${seconds(s.config.deadtimeMs)}) runs out`;
}

/**
 * An operator asked this node to take a group that nobody held at the time. (A group some node
 * held comes through that node's hand-over instead, so a pending request never grabs a group that
 * went elsewhere meanwhile.)
 */
function isAdminTakeoverPending(s: NodeState, g: GroupRuntime): boolean {
  for (const a of s.admin) {
    if (a.command !== 'takeover') continue;
    for (const it of a.items) if (it.group === g.index && it.status === 'pending' && it.from === NOBODY) return true;
  }
  return false;
}

function maybeStart(ctx: Ctx, g: GroupRuntime): void {
  const s = ctx.s;
  const me = s.localIndex;
  if (liveHolder(s, g) >= 0) {
    g.refusal = null;
    return;
  }
  const blocker = deadBlocker(s, g);
  if (blocker >= 0) {
    const p = s.nodes[blocker]!;
    const why = p.unclean[g.index]
      ? `${p.name} could not stop it (unclean)${fencingEnabled(s) ? ': waiting for fencing' : '; no fencing configured: check the node, then hbctl cleanup ' + g.id}`
      : `${p.name} is dead but not fenced: waiting for fencing (or hbctl cleanup ${g.id})`;
    refuse(ctx, g, why);
    return;
  }
  if (waitingToRejoin(s, ctx.now)) return; // the other side may hold it: hear it first
  // A live peer whose claims we have not read since we (re)heard it may hold the group (its first
  // packet was not a heartbeat, and it may have died since): an hb_takeover must not start it
  // beside that copy (simulator seed 1850850956). Placement itself defers to such a peer anyway.
  if (s.nodes.some((p, i) => i !== s.localIndex && isAlivePeer(p) && (p.lastClaimsAtMs === null || (p.upSinceAtMs !== null && p.lastClaimsAtMs < p.upSinceAtMs)))) return;
  const unreadable = s.nodes.findIndex((p, i) => i !== s.localIndex && isAlivePeer(p) && p.claimsUnreadable);
  if (unreadable >= 0) {
    refuse(ctx, g, `${nodeName(s, unreadable)} runs another haresources (its claims cannot be read): nothing starts until every node runs the same configuration`);
    return;
  }
  const adminWants = isAdminTakeoverPending(s, g);
  const to = adminWants ? (eligible(s, me, g) ? me : NOBODY) : placeUnheld(s, g, NOBODY);
  if (to === me) {
    if (!pingSeenSinceHolderFellSilent(s, g)) return; // the next reply, or deadping, decides
    const { from, reason, failback } = takeoverReason(s, g, adminWants);
    beginStart(ctx, g, from, reason, failback);
    return;
  }
  if (to === DEFER) return;
  if (to === NOBODY) {
    // Nobody can run it: say why, once.
    if (!hasQuorumOf(s, me)) refuse(ctx, g, `no ping target reachable (0/${s.pings.length}): this node may be the isolated one`);
    else reportIfStranded(ctx, g);
  }
}

/**
 * Our cable was out (no quorum, no peer) and the ping node answers again: the peers' heartbeats
 * come back over the same cable, maybe a moment later. Placing now would start groups the other
 * side took over meanwhile, and equal epochs would hand them to us: wait until every peer is
 * heard, or a deadtime passed.
 */
function waitingToRejoin(s: NodeState, now: number): boolean {
  if (s.rejoinWaitUntilAtMs === null) return false;
  let allHeard = true;
  for (let i = 0; i < s.nodes.length; i++) if (i !== s.localIndex && !isAlivePeer(s.nodes[i]!)) allHeard = false;
  if (now < s.rejoinWaitUntilAtMs && !allHeard) return true;
  s.rejoinWaitUntilAtMs = null;
  return false;
}

/**
 * Taking over from a dead holder needs evidence that *we* are not the one cut off: a ping reply
 * that arrived well after the holder fell silent (a keepalive later). A node whose cable was
 * pulled loses peer and ping node at the same instant; with deadping = deadtime it would
 * otherwise see the peer dead a moment before its own ping node, and take over.
 */
function pingSeenSinceHolderFellSilent(s: NodeState, g: GroupRuntime): boolean {
  const lh = g.lastHolder;
  if (s.pings.length === 0 || lh === null || lh.why !== 'dead') return true;
  const p = s.nodes[lh.node]!;
  if (p.status !== 'dead' || p.lastHeardAtMs === null) return true;
  for (let ti = 0; ti < s.pings.length; ti++) {
    const last = lastReplyAtMs(s, ti);
    if (last !== null && last > p.lastHeardAtMs + s.config.keepaliveMs) return true;
  }
  return false;
}

/** Words for the takeover, and whether the group should go back to its preferred node later. */
function takeoverReason(s: NodeState, g: GroupRuntime, admin: boolean): { from: number; reason: string; failback: boolean } {
  const me = s.localIndex;
  const notPreferred = g.preferredIndex !== me;
  const q = quorumText(s);
  if (admin) return { from: g.lastHolder?.node ?? NOBODY, reason: `hb_takeover on ${s.localNode}; ${q}`, failback: false };
  const h = g.hint;
  if (h !== null && h.to === me) {
    const byOperator = h.reason === 'standby' || h.reason === 'takeover';
    return { from: h.from, reason: `${nodeName(s, h.from)} released it (${h.reason}); ${q}`, failback: notPreferred && !byOperator };
  }
  const lh = g.lastHolder;
  if (lh !== null) {
    const who = nodeName(s, lh.node);
    const what =
      lh.why === 'dead'
        ? `${who} dead for ${seconds(lh.silentMs)}`
        : lh.why === 'left'
          ? `${who} shut down cleanly`
          : lh.why === 'restarted'
            ? `${who} restarted`
            : lh.why === 'fenced'
              ? `${who} was fenced`
              : `${who} released it`;
    return { from: lh.node, reason: `${what}; ${q}`, failback: notPreferred };
  }
  if (!notPreferred) return { from: NOBODY, reason: `preferred node; ${q}`, failback: false };
  const p = g.preferredIndex >= 0 ? s.nodes[g.preferredIndex]! : null;
  const pw = p === null ? 'not a cluster node' : p.status === 'active' ? 'cannot run it' : p.status === 'unknown' ? 'not heard yet' : p.status;
  return { from: NOBODY, reason: `preferred node ${p?.name ?? g.preferredIndex} ${pw}; ${q}`, failback: true };
}

function refuse(ctx: Ctx, g: GroupRuntime, reason: string): void {
  if (g.refusal === reason) return;
  g.refusal = reason;
  emit(ctx, { kind: 'refusedTakeover', atMs: ctx.now, group: g.id, reason });
}

/** The group is stopped everywhere because it failed on every node that could run it. */
function reportIfStranded(ctx: Ctx, g: GroupRuntime): void {
  const s = ctx.s;
  if (liveHolder(s, g) >= 0 || placeUnheld(s, g, NOBODY) !== NOBODY) return;
  const failed: string[] = [];
  for (let i = 0; i < s.config.nodes.length; i++) {
    if (isActive(s, i) && (i === s.localIndex ? g.state === 'failed' : s.nodes[i]!.claimState[g.index] === 'failed')) failed.push(nodeName(s, i));
  }
  if (failed.length === 0) return;
  // Only one node says it: the first one in node order that failed it.
  if (failed[0] !== s.localNode) return;
  refuse(ctx, g, `failed to start on ${list(failed)}; it stays stopped until hbctl cleanup ${g.id}`);
}

// ---- messages -----------------------------------------------------------------------------

export function onGroupRequest(ctx: Ctx, from: number, groups: readonly string[]): void {
  const s = ctx.s;
  for (const id of groups) {
    const gi = s.groupIndex[id];
    if (gi === undefined) continue;
    const g = s.groups[gi]!;
    // A group being restarted in place (monitor) keeps the request for when it runs again.
    if (g.state === 'started' || g.state === 'starting' || (g.state === 'stopping' && g.stopPurpose === 'recover')) {
      g.requestedBy = from;
      s.dirty = true;
    }
  }
}

export function onGroupReleased(ctx: Ctx, from: number, m: GroupReleasedMessage): void {
  const s = ctx.s;
  const p = s.nodes[from]!;
  if (m.stateSeq !== undefined) {
    if (m.stateSeq < p.stateSeq) return; // older than claims we already applied
    p.stateSeq = m.stateSeq;
  }
  const to = s.nodeIndex[m.to];
  const reason: ReleaseReason = m.reason ?? 'standby';
  for (const id of m.groups) {
    const gi = s.groupIndex[id];
    if (gi === undefined) continue;
    const g = s.groups[gi]!;
    p.claimState[gi] = reason === 'failed' ? 'failed' : null;
    g.lastHolder = { node: from, why: 'released', atMs: ctx.now, silentMs: 0 };
    if (to !== undefined) g.hint = { to, from, reason, atMs: ctx.now };
  }
  s.dirty = true;
}

export function onNodeFenced(ctx: Ctx, by: number, node: string, generation: number): void {
  const s = ctx.s;
  const i = s.nodeIndex[node];
  if (i === undefined) return;
  if (i === s.localIndex) return; // we are alive to read it: the fence did not happen to us
  const p = s.nodes[i]!;
  if (p.generation > generation) return; // it has restarted since; that incarnation is already gone
  markFenced(ctx, i, generation);
  emit(ctx, { kind: 'fencingFinished', atMs: ctx.now, node, success: true, by: nodeName(s, by) });
}

// ---- fencing --------------------------------------------------------------------------------

function needsFence(s: NodeState, i: number): boolean {
  const p = s.nodes[i]!;
  if (p.unclean.some(Boolean)) return true;
  return p.status === 'dead' && p.fencePending && p.vouched.some((v) => !v);
}

/** The fencer is the first node in `node` order that is active and has quorum (not the victim). */
function fencerFor(s: NodeState, victim: number): number {
  for (let i = 0; i < s.config.nodes.length; i++) {
    if (i !== victim && isActive(s, i) && hasQuorumOf(s, i)) return i;
  }
  return NOBODY;
}

function fenceWhereNeeded(ctx: Ctx): void {
  const s = ctx.s;
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex) continue;
    const p = s.nodes[i]!;
    if (p.fenceRunning || !needsFence(s, i)) continue;
    if (p.fenceRetryAtMs !== null && ctx.now < p.fenceRetryAtMs) continue;
    if (fencerFor(s, i) !== s.localIndex) continue;
    const held = s.groups.filter((g) => g.lastHolder !== null && g.lastHolder.node === i && g.lastHolder.atMs === p.deadSinceAtMs).map((g) => g.id);
    const silent = p.deadSinceAtMs !== null && p.lastHeardAtMs !== null ? ` (silent ${seconds(p.deadSinceAtMs - p.lastHeardAtMs)})` : p.everHeard ? '' : ' (never heard)';
    const reason = p.unclean.some(Boolean)
      ? `${p.name} could not stop ${list(s.groups.filter((g) => p.unclean[g.index]).map((g) => g.id))}`
      : `${p.name} is dead${silent}${held.length > 0 ? ` and held ${list(held)}` : ''}: no group starts before it is fenced`;
    p.fenceRunning = true;
    ctx.effects.push({ kind: 'fenceNode', node: p.name, reason });
    emit(ctx, { kind: 'fencingStarted', atMs: ctx.now, node: p.name, reason });
  }
}

export function onFenceFinished(ctx: Ctx, node: string, success: boolean): void {
  const s = ctx.s;
  const i = s.nodeIndex[node];
  if (i === undefined || i === s.localIndex) return;
  const p = s.nodes[i]!;
  p.fenceRunning = false;
  emit(ctx, { kind: 'fencingFinished', atMs: ctx.now, node, success, by: s.localNode });
  if (!success) {
    p.fenceRetryAtMs = ctx.now + FENCE_RETRY_DELAY_MS;
    s.dirty = true;
    return;
  }
  const generation = p.generation;
  markFenced(ctx, i, generation);
  for (let j = 0; j < s.nodes.length; j++) {
    if (j !== s.localIndex && j !== i && isAlivePeer(s.nodes[j]!)) sendReliable(ctx, j, { type: 'nodeFenced', node, generation });
  }
}

// ---- cleanup --------------------------------------------------------------------------------

/**
 * An operator cleanup of one group, run on node `by` (here when `byIndex` is us). The operator
 * vouches for what they can see: the group is stopped on `by`, and on nodes that are dead. So
 * this clears `by`'s failed/unclean state, every node's failed marker (a rolled-back start left
 * nothing running), and what we remember about dead nodes (unclean, waiting for fencing). A live
 * node's own unclean state is cleared only by a cleanup run on that node: it still speaks for itself.
 */
export function applyCleanup(ctx: Ctx, g: GroupRuntime, byIndex: number, vouchedFor?: readonly string[]): string {
  const s = ctx.s;
  const me = s.localIndex;
  const was: string[] = [];
  const stillUnclean: string[] = [];
  if (g.state === 'failed' || (g.state === 'unclean' && byIndex === me)) {
    was.push(`${g.state} on ${s.localNode}`);
    g.state = 'stopped';
    g.members.fill('stopped');
    g.failedMember = -1;
    g.uncleanMember = -1;
    s.heartbeatDue = true;
  } else if (g.state === 'unclean') {
    stillUnclean.push(s.localNode);
  }
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === me) continue;
    const p = s.nodes[i]!;
    // Dead here, and (if the sender says) dead there too at the cleanup: the operator vouched for it.
    const vouched = !isAlivePeer(p) && (vouchedFor === undefined || vouchedFor.includes(p.name));
    if (p.unclean[g.index]) {
      if (vouched || i === byIndex) {
        was.push(`unclean on ${p.name}`);
        p.unclean[g.index] = false;
      } else {
        stillUnclean.push(p.name);
      }
    }
    if (vouched && p.fencePending && !p.vouched[g.index]) {
      was.push(`waiting for ${p.name} to be fenced`);
      p.vouched[g.index] = true;
      if (p.vouched.every(Boolean)) p.fencePending = false;
    }
  }
  g.refusal = null;
  g.hint = null;
  s.dirty = true;
  const text = `${was.length === 0 ? 'nothing to clear' : was.join(', ')}${stillUnclean.length > 0 ? `; still unclean on ${list(stillUnclean)} (run the cleanup there)` : ''}`;
  emit(ctx, { kind: 'groupCleanedUp', atMs: ctx.now, group: g.id, by: nodeName(s, byIndex), was: text });
  return text;
}
