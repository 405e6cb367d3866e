// Group sequencing on this node: start members left to right, each only after the previous one
// succeeded; stop right to left; retry failed stops; roll back a failed start; monitor started
// members. At most one operation per group is in flight; different groups run independently.

import { emit, type Ctx } from './context';
import { nameOrNull, nodeName, seconds } from './format';
import type { ReleaseReason } from './messages';
import { deadBlocker, eligible, liveHolder, NOBODY, placeUnheld } from './placement';
import { recoveryWindowMs, STOP_RETRY_DELAY_MS, tentativeStartMs } from './policy';
import { sendReliable } from './reliable';
import { isCutOffAt, lastReplyAtMs } from './ping';
import { isAlivePeer, type GroupRuntime, type NodeState, type OpPurpose, type StopPurpose } from './state';
import type { Input, ResourceAction } from './types';

function issueOp(ctx: Ctx, g: GroupRuntime, member: number, action: ResourceAction, purpose: OpPurpose): void {
  const s = ctx.s;
  const opId = s.nextOpId++;
  const resource = s.config.groups[g.index]!.resources[member]!;
  const t = s.config.agentTimeouts;
  const timeoutMs = action === 'start' ? t.startMs : action === 'stop' ? t.stopMs : t.statusMs;
  g.op = { opId, action, purpose, member, startedAtMs: ctx.now };
  ctx.effects.push({ kind: 'runResourceOp', opId, group: g.id, resourceIndex: member, resource, action, timeoutMs });
  emit(ctx, { kind: 'resourceOpStarted', atMs: ctx.now, group: g.id, resource: resource.token, action, opId });
}

function changed(ctx: Ctx): void {
  ctx.s.heartbeatDue = true;
  ctx.s.dirty = true;
}

/** Take the group: a new takeover epoch, then members left to right. */
export function beginStart(ctx: Ctx, g: GroupRuntime, from: number, reason: string, failbackPending: boolean): void {
  const s = ctx.s;
  g.state = 'starting';
  g.cursor = 0;
  g.members.fill('stopped');
  g.tentativeUntilAtMs = ctx.now + tentativeStartMs(s.config);
  g.tentativeSeq = 0; // set when the heartbeat announcing it goes out (this step)
  // A hand-over of this group we announced earlier and that is still being resent is void now.
  s.outbox = s.outbox.filter((e) => !(e.message.type === 'groupReleased' && e.message.groups.includes(g.id)));
  g.epoch = Math.max(g.epoch, g.maxEpochSeen) + 1;
  g.maxEpochSeen = g.epoch;
  g.transitionAtMs = ctx.now;
  g.failbackPending = failbackPending;
  g.hint = null;
  g.refusal = null;
  g.conflicts = [];
  g.failedMember = -1;
  g.uncleanMember = -1;
  g.stopPurpose = null;
  g.releaseTo = NOBODY;
  g.releaseReason = null;
  g.requestedBy = NOBODY;
  g.restartAfterStop = false;
  g.monitorAtMs = null;
  emit(ctx, { kind: 'groupTakeoverStarted', atMs: ctx.now, group: g.id, from: nameOrNull(s, from), reason });
  changed(ctx);
  advance(ctx, g);
}

/** Give the group up: stop started members right to left (after an in-flight op finishes). */
export function beginStop(ctx: Ctx, g: GroupRuntime, purpose: StopPurpose, to: number, releaseReason: ReleaseReason | null, reason: string): void {
  if (g.state !== 'starting' && g.state !== 'started') return;
  g.tentativeUntilAtMs = null;
  g.tentativeSeq = 0;
  g.state = 'stopping';
  g.stopPurpose = purpose;
  g.releaseTo = to;
  g.releaseReason = releaseReason;
  g.stopAttempts = 0;
  g.retryAtMs = null;
  g.uncleanMember = -1;
  g.monitorAtMs = null;
  if (purpose !== 'recover') g.requestedBy = NOBODY;
  g.transitionAtMs = ctx.now;
  let top = g.members.length - 1;
  while (top >= 0 && g.members[top] === 'stopped') top--;
  g.cursor = top;
  emit(ctx, { kind: 'groupReleaseStarted', atMs: ctx.now, group: g.id, to: nameOrNull(ctx.s, to), reason });
  changed(ctx);
  advance(ctx, g);
}

/** Issue the next operation the group is waiting for, if any and if none is in flight. */
export function advance(ctx: Ctx, g: GroupRuntime): void {
  if (g.op !== null) return;
  const s = ctx.s;
  if (g.state === 'starting') {
    // Before anything else, even before the announcement counts as seen: after a stall, our view
    // of who is alive and what they run is stale until the peers are heard again.
    if (!heardEveryoneSinceStall(ctx)) return;
    if (g.tentativeUntilAtMs !== null) {
      if (!announcementSeen(ctx, g)) return;
      // Seen by everyone; still nobody else claims it? (Conflicts were resolved in reconcile.)
      if (liveHolder(s, g) >= 0 || deadBlocker(s, g) >= 0) return;
      g.tentativeUntilAtMs = null;
      g.tentativeSeq = 0;
      s.heartbeatDue = true;
    }
    // Never start a member without ping quorum (reconcile aborts the start). Judged at this very
    // instant: a result that arrives when the last ping reply is just too old must not slip through.
    if (!s.hasQuorum || !quorumHoldsAt(s, ctx.now)) return;
    if (otherCopyRuns(ctx, g)) return; // a split brain being resolved: the loser stops first
    if (g.cursor >= g.members.length) return finishStart(ctx, g);
    g.members[g.cursor] = 'starting';
    issueOp(ctx, g, g.cursor, 'start', 'start');
  } else if (g.state === 'stopping') {
    if (g.retryAtMs !== null) {
      if (ctx.now < g.retryAtMs) return;
      g.retryAtMs = null;
    }
    while (g.cursor >= 0 && g.members[g.cursor] === 'stopped') g.cursor--;
    if (g.cursor < 0) return finishStop(ctx, g);
    g.members[g.cursor] = 'stopping';
    issueOp(ctx, g, g.cursor, 'stop', 'stop');
  } else if (g.state === 'started') {
    if (g.monitorAtMs !== null && ctx.now >= g.monitorAtMs) {
      if (g.monitorCursor >= g.members.length) g.monitorCursor = 0;
      issueOp(ctx, g, g.monitorCursor, 'status', 'monitor');
    }
  }
}

/**
 * Every live peer has applied the heartbeat that announced our tentative claim, so any conflicting
 * decision it takes from now on sees ours, and any it took before is in the heartbeat it acked with.
 */
function announcementSeen(ctx: Ctx, g: GroupRuntime): boolean {
  const s = ctx.s;
  if (g.tentativeSeq === 0) return false;
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex) continue;
    const p = s.nodes[i]!;
    if (!isAlivePeer(p) || p.seenMine >= g.tentativeSeq) continue;
    if (p.reportsSeen || ctx.now < g.tentativeUntilAtMs!) {
      // We hear it, it does not hear us (a one-way partition): starting now could make two copies.
      if (ctx.now >= g.tentativeUntilAtMs!) {
        const why = `waiting for ${p.name} to see our claim: it has not for ${seconds(ctx.now - g.transitionAtMs)} (does it hear us?)`;
        if (g.refusal === null) {
          g.refusal = why;
          emit(ctx, { kind: 'refusedTakeover', atMs: ctx.now, group: g.id, reason: why });
        }
      }
      return false;
    }
  }
  return true;
}

/**
 * After this process stalled, a start in progress goes on only once every peer has been heard
 * again: while we were frozen a live one may have declared us dead and taken the group, and one
 * we hold for dead (even fenced: a fence proves only the incarnation it hit) may have come back
 * and started it, its packets still queued. A peer that stays silent a full deadtime after we
 * resumed is dead on fresh evidence.
 */
function heardEveryoneSinceStall(ctx: Ctx): boolean {
  const s = ctx.s;
  if (s.stallEndedAtMs === null) return true;
  const silenceJudged = ctx.now >= s.stallEndedAtMs + s.config.deadtimeMs;
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex) continue;
    const p = s.nodes[i]!;
    // Its claims come in heartbeats: any other packet (an ack, a resend) says nothing of them.
    const heard = p.lastClaimsAtMs !== null && p.lastClaimsAtMs >= s.stallEndedAtMs;
    if (heard) continue;
    if (isAlivePeer(p) || (p.everHeard && !silenceJudged)) return false;
  }
  s.stallEndedAtMs = null;
  return true;
}

function quorumHoldsAt(s: NodeState, now: number): boolean {
  if (s.pings.length === 0) return true;
  if (isCutOffAt(s, now)) return false;
  for (let ti = 0; ti < s.pings.length; ti++) {
    const last = lastReplyAtMs(s, ti);
    if (last !== null && now < last + s.config.deadpingMs) return true;
  }
  return false;
}

/** A live peer runs (or is stopping, or could not stop) the group; its tentative claims do not count. */
function otherCopyRuns(ctx: Ctx, g: GroupRuntime): boolean {
  const s = ctx.s;
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex) continue;
    const p = s.nodes[i]!;
    if (!isAlivePeer(p)) continue;
    const c = p.claimState[g.index];
    if (c === 'started' || c === 'stopping' || c === 'unclean' || (c === 'starting' && !p.claimTentative[g.index])) return true;
  }
  return false;
}

function finishStart(ctx: Ctx, g: GroupRuntime): void {
  const s = ctx.s;
  g.state = 'started';
  g.monitorCursor = 0;
  g.monitorAtMs = s.config.monitorIntervalMs > 0 ? ctx.now + s.config.monitorIntervalMs : null;
  emit(ctx, { kind: 'groupStarted', atMs: ctx.now, group: g.id, tookMs: ctx.now - g.transitionAtMs });
  changed(ctx);
}

function finishStop(ctx: Ctx, g: GroupRuntime): void {
  const s = ctx.s;
  const tookMs = ctx.now - g.transitionAtMs;
  changed(ctx);
  if (g.uncleanMember >= 0) {
    g.state = 'unclean';
    emit(ctx, {
      kind: 'groupUnclean',
      atMs: ctx.now,
      group: g.id,
      resource: s.config.groups[g.index]!.resources[g.uncleanMember]!.token,
      attempts: s.config.stopRetriesMax + 1,
    });
    return;
  }
  const purpose = g.stopPurpose;
  g.stopPurpose = null;
  emit(ctx, { kind: 'groupStopped', atMs: ctx.now, group: g.id, tookMs });
  if (purpose === 'recover' && g.restartAfterStop && eligible(s, s.localIndex, g)) {
    g.state = 'stopped';
    const requestedBy = g.requestedBy; // a takeover request that arrived meanwhile still stands
    beginStart(ctx, g, NOBODY, 'restarting in place after a monitor failure', g.failbackPending);
    g.requestedBy = requestedBy;
    return;
  }
  if (purpose === 'rollback' || purpose === 'recover') {
    g.state = 'failed';
    const to = placeUnheld(s, g, s.localIndex);
    if (to >= 0) handOver(ctx, g, to, 'failed');
    return;
  }
  g.state = 'stopped';
  if (purpose === 'release' && g.releaseTo >= 0 && isAlivePeer(s.nodes[g.releaseTo]!)) {
    handOver(ctx, g, g.releaseTo, g.releaseReason ?? 'standby');
  }
}

/** Tell every live peer that we stopped the group for `to`, so `to` starts it and nobody else does. */
function handOver(ctx: Ctx, g: GroupRuntime, to: number, reason: ReleaseReason): void {
  const s = ctx.s;
  g.hint = { to, from: s.localIndex, reason, atMs: ctx.now };
  const stateSeq = ++s.stateSeq;
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex || !isAlivePeer(s.nodes[i]!)) continue;
    sendReliable(ctx, i, { type: 'groupReleased', groups: [g.id], to: nodeName(s, to), reason, stateSeq });
  }
}

/** Boot: check each member's status once, so services a previous hbd left running are known. */
export function startProbe(ctx: Ctx, g: GroupRuntime): void {
  if (!g.probing) return;
  g.cursor = 0;
  g.probeOk = 0;
  issueOp(ctx, g, 0, 'status', 'probe');
}

function probeResult(ctx: Ctx, g: GroupRuntime, member: number, outcome: string): void {
  const s = ctx.s;
  // 'failed' or 'timedOut' may mean half-running: treat it as running, so it gets stopped.
  g.members[member] = outcome === 'notRunning' ? 'stopped' : 'started';
  if (outcome === 'ok') g.probeOk++;
  if (member + 1 < g.members.length) {
    issueOp(ctx, g, member + 1, 'status', 'probe');
    return;
  }
  g.probing = false;
  s.dirty = true;
  const running = g.members.flatMap((m, k) => (m === 'started' ? [s.config.groups[g.index]!.resources[k]!.token] : []));
  if (running.length === 0) return;
  const adopt = g.probeOk === g.members.length;
  emit(ctx, { kind: 'groupFoundRunning', atMs: ctx.now, group: g.id, running, action: adopt ? 'adopt' : 'stop' });
  g.state = 'started';
  g.epoch = Math.max(g.epoch, g.maxEpochSeen) + 1;
  g.maxEpochSeen = g.epoch;
  g.failbackPending = g.preferredIndex !== s.localIndex;
  g.monitorCursor = 0;
  g.monitorAtMs = s.config.monitorIntervalMs > 0 ? ctx.now + s.config.monitorIntervalMs : null;
  changed(ctx);
  if (!adopt) beginStop(ctx, g, 'abort', NOBODY, null, `found partly running at start-up (${running.join(', ')}): stopping what runs`);
}

export function onOpFinished(ctx: Ctx, input: Extract<Input, { kind: 'resourceOpFinished' }>): void {
  const s = ctx.s;
  const g = s.groups.find((x) => x.op !== null && x.op.opId === input.opId);
  if (g === undefined) return; // stale: from before a restart of the engine, or already superseded
  const op = g.op!;
  g.op = null;
  const resource = s.config.groups[g.index]!.resources[op.member]!;
  const tookMs = ctx.now - op.startedAtMs;
  emit(ctx, {
    kind: 'resourceOpCompleted',
    atMs: ctx.now,
    group: g.id,
    resource: resource.token,
    action: op.action,
    opId: op.opId,
    outcome: input.outcome,
    exitCode: input.exitCode,
    tookMs,
    outputTail: input.outputTail,
  });
  const ok = input.outcome === 'ok';
  switch (op.purpose) {
    case 'start':
      g.members[op.member] = ok ? 'started' : 'failed';
      if (g.state === 'starting') {
        if (ok) {
          g.cursor = op.member + 1;
        } else {
          g.failedMember = op.member;
          const detail = describeOutcome(input.outcome, input.exitCode, tookMs, input.outputTail);
          emit(ctx, { kind: 'groupStartFailed', atMs: ctx.now, group: g.id, resource: resource.token, detail });
          beginStop(ctx, g, 'rollback', NOBODY, null, `start of ${resource.token} failed (${detail}): rolling back`);
          return;
        }
      }
      break;
    case 'stop':
      if (ok) {
        g.members[op.member] = 'stopped';
        g.stopAttempts = 0;
        g.cursor = op.member - 1;
      } else {
        g.stopAttempts++;
        if (g.stopAttempts <= s.config.stopRetriesMax) {
          g.retryAtMs = ctx.now + STOP_RETRY_DELAY_MS;
        } else {
          // Heartbeat's last word after the retries: if status says it is not running, carry on.
          issueOp(ctx, g, op.member, 'status', 'verifyStop');
          return;
        }
      }
      break;
    case 'verifyStop':
      g.stopAttempts = 0;
      if (input.outcome === 'notRunning') {
        g.members[op.member] = 'stopped';
        g.cursor = op.member - 1;
      } else {
        // Unclean. Stop here: the members before it stay up (stopping them under a running
        // member would break the group's order, and Heartbeat would reboot at this point).
        g.members[op.member] = 'failed';
        g.uncleanMember = op.member;
        g.cursor = -1;
      }
      break;
    case 'probe':
      probeResult(ctx, g, op.member, input.outcome);
      return;
    case 'monitor':
      if (g.state !== 'started') break; // superseded by a stop; the stop goes on below
      if (ok) {
        g.monitorCursor = op.member + 1;
        if (g.monitorCursor >= g.members.length) {
          g.monitorCursor = 0;
          g.monitorAtMs = ctx.now + s.config.monitorIntervalMs;
        }
      } else {
        onMonitorFailure(ctx, g, resource.token, input.outcome, describeOutcome(input.outcome, input.exitCode, tookMs, input.outputTail));
        return;
      }
      break;
  }
  advance(ctx, g);
}

function onMonitorFailure(ctx: Ctx, g: GroupRuntime, token: string, outcome: string, detail: string): void {
  const s = ctx.s;
  const window = recoveryWindowMs(s.config);
  const recent = g.lastRecoveryAtMs !== null && ctx.now - g.lastRecoveryAtMs < window;
  const action = recent ? 'move' : 'restart';
  g.lastRecoveryAtMs = ctx.now;
  g.restartAfterStop = !recent;
  emit(ctx, { kind: 'resourceFailed', atMs: ctx.now, group: g.id, resource: token, outcome, action, detail });
  const why = recent
    ? `${token} failed again within ${seconds(window)} of the last recovery: moving the group away`
    : `${token} is not running (${detail}): restarting the group in place`;
  beginStop(ctx, g, 'recover', NOBODY, null, why);
}

export function describeOutcome(outcome: string, exitCode: number | null, tookMs: number, outputTail: string): string {
  const head = outcome === 'timedOut' ? `timed out after ${seconds(tookMs)}` : exitCode !== null ? `${outcome}, exit ${exitCode}` : outcome;
  const tail = outputTail.trim().split('\n').pop() ?? '';
  return tail.length > 0 ? `${head}: ${tail.slice(0, 160)}` : head;
}

/** Timer: stop retries and monitor checks that became due. */
export function advanceAll(ctx: Ctx): void {
  for (const g of ctx.s.groups) {
    if (g.op === null && (g.state === 'starting' || g.retryAtMs !== null || g.monitorAtMs !== null)) advance(ctx, g);
  }
}

/** Give up a tentative claim: nothing was started, so there is nothing to stop. */
export function withdraw(ctx: Ctx, g: GroupRuntime, reason: string): void {
  g.state = 'stopped';
  g.tentativeUntilAtMs = null;
  g.tentativeSeq = 0;
  g.refusal = reason;
  emit(ctx, { kind: 'refusedTakeover', atMs: ctx.now, group: g.id, reason });
  changed(ctx);
}
