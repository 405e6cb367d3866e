// Operator requests: hb_standby / hb_takeover with all|local|foreign|failback, and cleanup.
// Set words are relative to the node the command runs on (hb_standby(1)):
//   local   = groups whose haresources node is this node; foreign = the others; all = both.
//   standby failback  ≡ standby foreign  (give the other nodes' groups back)
//   takeover failback ≡ takeover local   (take my own groups back; Heartbeat 3.0.6 wrongly does `all`, D5)
// standby pushes: we stop our groups in the set and hand each to its placement target.
// takeover pulls: we ask each holder for the groups in the set; they stop them and hand them to us.

import { emit, type Ctx } from './context';
import { nodeName, seconds } from './format';
import { applyCleanup } from './ownership';
import { eligible, hasQuorumOf, liveHolder, deadBlocker, maxReach, NOBODY, placeUnheld } from './placement';
import { sendReliable } from './reliable';
import { beginStop } from './sequencer';
import { isAlivePeer, type AdminItem, type AdminState, type GroupRuntime, type NodeState } from './state';
import type { AdminScope, Input } from './types';

type AdminInput = Extract<Input, { kind: 'adminRequested' }>;

function inScope(s: NodeState, g: GroupRuntime, scope: AdminScope, command: 'standby' | 'takeover'): boolean {
  const local = g.preferredIndex === s.localIndex;
  const effective: AdminScope = scope === 'failback' ? (command === 'standby' ? 'foreign' : 'local') : scope;
  return effective === 'all' || (effective === 'local' ? local : !local);
}

function complete(ctx: Ctx, requestId: string, command: 'standby' | 'takeover' | 'cleanup', scope: string, ok: boolean, message: string, moved: { group: string; from: string | null; to: string }[]): void {
  ctx.effects.push({ kind: 'adminRequestCompleted', requestId, ok, message, moved });
  emit(ctx, { kind: 'adminRequestFinished', atMs: ctx.now, requestId, command, scope, ok, message });
}

/** Upper bound for a move: deadtime, plus every member stopped (with retries) and started. */
function deadlineFor(s: NodeState, groups: readonly number[], now: number): number {
  const t = s.config.agentTimeouts;
  let ms = s.config.deadtimeMs + 2 * s.config.keepaliveMs;
  for (const gi of groups) {
    const n = s.config.groups[gi]!.resources.length;
    ms += n * (t.startMs + (s.config.stopRetriesMax + 1) * (t.stopMs + 1000) + t.statusMs);
  }
  return now + ms;
}

export function onAdminRequested(ctx: Ctx, input: AdminInput): void {
  const s = ctx.s;
  const r = input.request;
  if (r.command === 'cleanup') {
    const gi = s.groupIndex[r.group];
    if (gi === undefined) {
      complete(ctx, input.requestId, 'cleanup', r.group, false, `no such group: ${r.group} (groups: ${s.groups.map((g) => g.id).join(', ')})`, []);
      return;
    }
    if (s.phase === 'up') {
      // We do not know yet who is alive, so whom we vouch for as dead, and whom to tell.
      complete(ctx, input.requestId, 'cleanup', r.group, false, `${s.localNode} is still starting (waiting to hear every node or initdead): run the cleanup when it is active`, []);
      return;
    }
    const g = s.groups[gi]!;
    const vouchedFor = [s.localNode];
    for (let i = 0; i < s.nodes.length; i++) if (i !== s.localIndex && !isAlivePeer(s.nodes[i]!)) vouchedFor.push(s.nodes[i]!.name);
    const was = applyCleanup(ctx, g, s.localIndex);
    const told: string[] = [];
    const later: string[] = [];
    const stateSeq = ++s.stateSeq;
    for (let i = 0; i < s.nodes.length; i++) {
      if (i === s.localIndex) continue;
      const p = s.nodes[i]!;
      if (isAlivePeer(p)) {
        sendReliable(ctx, i, { type: 'groupCleanup', group: g.id, stateSeq, vouchedFor });
        told.push(p.name);
      } else {
        p.owedCleanups.push({ group: g.id, stateSeq, vouchedFor });
        later.push(p.name);
      }
    }
    const tell = `${told.length > 0 ? `; told ${told.join(', ')}` : ''}${later.length > 0 ? `; will tell ${later.join(', ')} when heard` : ''}`;
    complete(ctx, input.requestId, 'cleanup', r.group, true, `cleared ${g.id} (${was})${tell}`, []);
    return;
  }
  const command = r.command;
  const scope = r.scope;
  if (s.phase !== 'active') {
    const why = s.phase === 'up' ? `${s.localNode} is still starting (waiting to hear every node or initdead)` : `${s.localNode} is shutting down`;
    complete(ctx, input.requestId, command, scope, false, why, []);
    return;
  }
  if (command === 'standby') startStandby(ctx, input.requestId, scope);
  else startTakeover(ctx, input.requestId, scope);
}

function startStandby(ctx: Ctx, requestId: string, scope: AdminScope): void {
  const s = ctx.s;
  const me = s.localIndex;
  const items: AdminItem[] = [];
  const notes: string[] = [];
  for (const g of s.groups) {
    if (!inScope(s, g, scope, 'standby')) continue;
    if (g.state !== 'started' && g.state !== 'starting') continue;
    const to = placeUnheld(s, g, me);
    if (to < 0) {
      items.push({ group: g.index, from: me, to: NOBODY, status: 'failed', note: `${g.id}: ${noTargetWhy(s, g)}` });
      continue;
    }
    items.push({ group: g.index, from: me, to, status: 'pending', note: '' });
    beginStop(ctx, g, 'release', to, 'standby', `hb_standby ${scope} on ${s.localNode}: ${nodeName(s, to)} takes over`);
  }
  if (items.length === 0) {
    complete(ctx, requestId, 'standby', scope, true, `nothing to hand over: ${s.localNode} holds no ${scope === 'all' ? '' : scope + ' '}groups`, []);
    return;
  }
  admit(ctx, { requestId, command: 'standby', scope, startedAtMs: ctx.now, deadlineAtMs: deadlineFor(s, items.map((i) => i.group), ctx.now), items, notes });
}

function noTargetWhy(s: NodeState, g: GroupRuntime): string {
  const others: string[] = [];
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex) continue;
    const p = s.nodes[i]!;
    if (!isAlivePeer(p)) others.push(`${p.name} is ${p.status === 'unknown' ? 'not heard' : p.status}`);
    else if (p.status !== 'active') others.push(`${p.name} is ${p.status}`);
    else if (!hasQuorumOf(s, i)) others.push(`${p.name} reaches no ping target`);
    else if (p.claimState[g.index] === 'failed') others.push(`${g.id} failed on ${p.name}`);
    else others.push(`${p.name} reaches fewer ping targets`);
  }
  return `no other node can take it (${others.join('; ') || 'single-node cluster'}); it stays here`;
}

function startTakeover(ctx: Ctx, requestId: string, scope: AdminScope): void {
  const s = ctx.s;
  const me = s.localIndex;
  if (!hasQuorumOf(s, me)) {
    complete(ctx, requestId, 'takeover', scope, false, `refused: ${s.localNode} reaches no ping target (0/${s.pings.length})`, []);
    return;
  }
  const best = maxReach(s);
  if (s.reachable < best) {
    complete(ctx, requestId, 'takeover', scope, false, `refused: ${s.localNode} reaches ${s.reachable}/${s.pings.length} ping targets, another node reaches ${best} (ipfail would move the groups straight back)`, []);
    return;
  }
  const items: AdminItem[] = [];
  const notes: string[] = [];
  const asks = new Map<number, string[]>();
  for (const g of s.groups) {
    if (!inScope(s, g, scope, 'takeover')) continue;
    if (g.state === 'started' || g.state === 'starting') {
      notes.push(`${g.id} already here`);
      continue;
    }
    if (g.state === 'failed' || g.state === 'unclean') {
      items.push({ group: g.index, from: NOBODY, to: me, status: 'failed', note: `${g.id} is ${g.state} on ${s.localNode}: hbctl cleanup ${g.id} first` });
      continue;
    }
    if (g.state === 'stopping') {
      items.push({ group: g.index, from: NOBODY, to: me, status: 'failed', note: `${g.id} is stopping here; try again when it settled` });
      continue;
    }
    const holder = liveHolder(s, g);
    const blocker = deadBlocker(s, g);
    if (holder >= 0) {
      const c = s.nodes[holder]!.claimState[g.index];
      if (c === 'unclean' || s.nodes[holder]!.unclean[g.index]) {
        items.push({ group: g.index, from: holder, to: me, status: 'failed', note: `${g.id} is unclean on ${s.nodes[holder]!.name}` });
        continue;
      }
      items.push({ group: g.index, from: holder, to: me, status: 'pending', note: '' });
      // A holder that is stopping it to restart it in place keeps the request for afterwards.
      if (c === 'started' || c === 'starting' || c === 'stopping') {
        const list = asks.get(holder) ?? [];
        list.push(g.id);
        asks.set(holder, list);
      }
    } else if (blocker >= 0) {
      items.push({ group: g.index, from: blocker, to: me, status: 'failed', note: `${g.id} is blocked: ${s.nodes[blocker]!.name} must be fenced or the group cleaned up` });
    } else if (!eligible(s, me, g)) {
      items.push({ group: g.index, from: NOBODY, to: me, status: 'failed', note: `${s.localNode} cannot run ${g.id} now` });
    } else {
      items.push({ group: g.index, from: NOBODY, to: me, status: 'pending', note: '' }); // unheld: reconcile starts it
    }
  }
  for (const [holder, groups] of asks) sendReliable(ctx, holder, { type: 'groupRequest', groups, reason: 'takeover' });
  if (items.length === 0) {
    complete(ctx, requestId, 'takeover', scope, true, `nothing to take over: ${notes.join(', ') || 'no groups in scope'}`, []);
    return;
  }
  admit(ctx, { requestId, command: 'takeover', scope, startedAtMs: ctx.now, deadlineAtMs: deadlineFor(s, items.map((i) => i.group), ctx.now), items, notes });
}

function admit(ctx: Ctx, a: AdminState): void {
  ctx.s.admin.push(a);
  ctx.s.dirty = true;
  progressAdmin(ctx);
}

/** Check pending requests against what the nodes now claim; complete those that are settled. */
export function progressAdmin(ctx: Ctx): void {
  const s = ctx.s;
  if (s.admin.length === 0) return;
  const me = s.localIndex;
  for (const a of s.admin) {
    for (const it of a.items) {
      if (it.status !== 'pending') continue;
      const g = s.groups[it.group]!;
      if (a.command === 'takeover') {
        if (g.state === 'started') it.status = 'done';
        else if (g.state === 'failed' || g.state === 'unclean') fail(it, `${g.id} ${g.state === 'failed' ? 'failed to start' : 'could not be stopped'} on ${s.localNode}`);
        else if (it.from >= 0 && !isAlivePeer(s.nodes[it.from]!) && g.state === 'stopped' && liveHolder(s, g) < 0 && deadBlocker(s, g) < 0 && !eligible(s, me, g)) {
          fail(it, `${nodeName(s, it.from)} went away and ${s.localNode} cannot run ${g.id}`);
        } else if (g.state === 'stopped') {
          const other = runningElsewhere(s, g, it.from);
          if (other >= 0) fail(it, `${g.id} went to ${nodeName(s, other)} meanwhile`);
        }
      } else {
        let holder = NOBODY;
        for (let i = 0; i < s.nodes.length; i++) {
          if (i !== me && isAlivePeer(s.nodes[i]!) && s.nodes[i]!.claimState[g.index] === 'started') holder = i;
        }
        if (holder >= 0) {
          it.to = holder;
          it.status = 'done';
        } else if (g.state === 'started') {
          fail(it, `${g.id} came back to ${s.localNode} (${it.to >= 0 ? nodeName(s, it.to) : 'the target'} could not take it)`);
        } else if (g.state === 'unclean') {
          fail(it, `${g.id} could not be stopped on ${s.localNode} (unclean)`);
        } else if (it.to >= 0 && s.nodes[it.to]!.claimState[g.index] === 'failed') {
          fail(it, `${g.id} failed to start on ${nodeName(s, it.to)}`);
        } else if (it.to >= 0 && !isAlivePeer(s.nodes[it.to]!)) {
          fail(it, `${nodeName(s, it.to)} died during the hand-over`);
        }
      }
    }
  }
  const remaining: AdminState[] = [];
  for (const a of s.admin) {
    if (a.items.some((it) => it.status === 'pending') && ctx.now < a.deadlineAtMs) {
      remaining.push(a);
      continue;
    }
    for (const it of a.items) {
      if (it.status === 'pending') fail(it, `${s.groups[it.group]!.id} not settled after ${seconds(ctx.now - a.startedAtMs)}`);
    }
    finish(ctx, a);
  }
  s.admin = remaining;
}

/** A live node other than us and `except` that claims the group starting or started; -1 if none. */
function runningElsewhere(s: NodeState, g: GroupRuntime, except: number): number {
  for (let i = 0; i < s.nodes.length; i++) {
    if (i === s.localIndex || i === except) continue;
    const c = s.nodes[i]!.claimState[g.index];
    if (isAlivePeer(s.nodes[i]!) && (c === 'started' || (c === 'starting' && !s.nodes[i]!.claimTentative[g.index]))) return i;
  }
  return NOBODY;
}

function fail(it: AdminItem, note: string): void {
  it.status = 'failed';
  it.note = note;
}

function finish(ctx: Ctx, a: AdminState): void {
  const s = ctx.s;
  const moved = a.items
    .filter((it) => it.status === 'done')
    .map((it) => ({ group: s.groups[it.group]!.id, from: it.from >= 0 ? nodeName(s, it.from) : null, to: nodeName(s, it.to) }));
  const failed = a.items.filter((it) => it.status === 'failed');
  const ok = failed.length === 0;
  const parts: string[] = [];
  if (moved.length > 0) parts.push(`moved ${moved.map((m) => `${m.group} ${m.from ?? '-'} → ${m.to}`).join(', ')}`);
  for (const it of failed) parts.push(it.note);
  if (a.notes.length > 0) parts.push(a.notes.join(', '));
  const word = a.command === 'standby' ? 'hb_standby' : 'hb_takeover';
  complete(ctx, a.requestId, a.command, a.scope, ok, `${word} ${a.scope} on ${s.localNode} (${seconds(ctx.now - a.startedAtMs)}): ${parts.join('; ')}`, moved);
}

/** Shutting down: pending requests will not complete here. */
export function abandonAdmin(ctx: Ctx, why: string): void {
  for (const a of ctx.s.admin) {
    for (const it of a.items) if (it.status === 'pending') fail(it, why);
    finish(ctx, a);
  }
  ctx.s.admin = [];
}
