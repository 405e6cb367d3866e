// Simulated resource agents and the ground truth of what REALLY runs where.
// The engine only ever learns what an agent reports; the invariants read this truth instead.
// Behaviour (slow, failing, hanging, failing to stop) is keyed by node + resource token, as a
// sysadmin would say "nginx on master1 fails to stop"; the truth is kept per node, group and member.

import type { ClusterConfig } from '@hbd/config';
import type { Effect, OpOutcome } from '@hbd/core';
import type { SimRng } from './rng';

/** One group member on one node. 'starting'/'stopping' = an operation is in flight: it may already run. */
export type MemberTruth = 'stopped' | 'starting' | 'running' | 'stopping';

export interface AgentTiming {
  readonly startMs: readonly [number, number];
  readonly stopMs: readonly [number, number];
  readonly statusMs: readonly [number, number];
}

/** What the next operations of one agent on one node will do. Counters are consumed by operations. */
export interface AgentBehaviour {
  /** The next N starts exit 1. */
  failStarts: number;
  /** The next N stops exit 1 (more than stopRetriesMax + 1 makes the group unclean). */
  failStops: number;
  /** The next N starts or stops never return by themselves: the executor's timeout kills them. */
  hangs: number;
  /** Durations are multiplied by this (a slow disk, a slow nginx). */
  slowFactor: number;
  /** A failed or killed start leaves the service (partly) running, so it must be stopped. */
  dirty: boolean;
}

export type RunResourceOp = Extract<Effect, { kind: 'runResourceOp' }>;

export interface OpInFlight {
  readonly node: string;
  readonly opId: number;
  readonly groupIndex: number;
  readonly group: string;
  readonly memberIndex: number;
  readonly token: string;
  readonly action: 'start' | 'stop' | 'status';
  readonly startedAtMs: number;
  readonly finishAtMs: number;
  readonly plannedOutcome: OpOutcome;
  readonly before: MemberTruth;
}

export interface OpResult {
  readonly outcome: OpOutcome;
  readonly exitCode: number | null;
  readonly outputTail: string;
}

export const DEFAULT_TIMING: AgentTiming = { startMs: [200, 1_500], stopMs: [100, 1_000], statusMs: [10, 100] };

const HEALTHY: AgentBehaviour = { failStarts: 0, failStops: 0, hangs: 0, slowFactor: 1, dirty: false };

export class SimAgents {
  /** node → group → member. */
  private readonly truth = new Map<string, MemberTruth[][]>();
  /** Bumped on every change of the truth (lets observers cache what they derive from it). */
  version = 0;
  /** Services that died by themselves: status reports 'failed' until the next start or stop. */
  private readonly crashed = new Set<string>();
  private readonly behaviours = new Map<string, AgentBehaviour>();
  private readonly inFlight = new Map<string, OpInFlight>();
  private readonly groupIndex = new Map<string, number>();

  constructor(
    private readonly config: ClusterConfig,
    private readonly rng: SimRng,
    private readonly timing: (resourceName: string) => AgentTiming = () => DEFAULT_TIMING,
  ) {
    config.groups.forEach((g, i) => this.groupIndex.set(g.id, i));
    for (const node of config.nodes) this.truth.set(node, config.groups.map((g) => g.resources.map(() => 'stopped' as MemberTruth)));
  }

  private get(node: string, g: number, m: number): MemberTruth {
    return this.truth.get(node)?.[g]?.[m] ?? 'stopped';
  }

  private set(node: string, g: number, m: number, value: MemberTruth): void {
    const row = this.truth.get(node)?.[g];
    if (row === undefined || m < 0 || m >= row.length) return;
    if (row[m] !== value) {
      row[m] = value;
      this.version++;
    }
  }

  groupIndexOf(group: string): number | undefined {
    return this.groupIndex.get(group);
  }

  memberTruth(node: string, groupIndex: number, memberIndex: number): MemberTruth {
    return this.get(node, groupIndex, memberIndex);
  }

  memberCount(groupIndex: number): number {
    return this.config.groups[groupIndex]?.resources.length ?? 0;
  }

  /** Any member of the group possibly running on the node (started, or an operation in flight). */
  isActive(node: string, groupIndex: number): boolean {
    const row = this.truth.get(node)?.[groupIndex];
    if (row === undefined) return false;
    for (let m = 0; m < row.length; m++) if (row[m] !== 'stopped') return true;
    return false;
  }

  /** Every member of the group running on the node, no operation in flight. */
  isFullyRunning(node: string, groupIndex: number): boolean {
    const n = this.memberCount(groupIndex);
    for (let m = 0; m < n; m++) if (this.memberTruth(node, groupIndex, m) !== 'running') return false;
    return n > 0;
  }

  behaviour(node: string, token: string): AgentBehaviour {
    const k = `${node}|${token}`;
    let b = this.behaviours.get(k);
    if (b === undefined) {
      b = { ...HEALTHY };
      this.behaviours.set(k, b);
    }
    return b;
  }

  /** Every agent behaves again (the liveness phase). Operations already in flight keep their fate. */
  healAll(): void {
    for (const b of this.behaviours.values()) Object.assign(b, HEALTHY);
  }

  opsInFlight(): IterableIterator<OpInFlight> {
    return this.inFlight.values();
  }

  opInFlight(node: string, opId: number): OpInFlight | undefined {
    return this.inFlight.get(`${node}#${opId}`);
  }

  /** Start/stop operations in flight on one node for one group (status checks excluded). */
  busyMembers(node: string, groupIndex: number): OpInFlight[] {
    const out: OpInFlight[] = [];
    for (const op of this.inFlight.values()) {
      if (op.node === node && op.groupIndex === groupIndex && op.action !== 'status') out.push(op);
    }
    return out;
  }

  /** The executor receives an operation: decide its fate now, deterministically from the seed. */
  begin(node: string, effect: RunResourceOp, nowMs: number): OpInFlight {
    const groupIndex = this.groupIndex.get(effect.group) ?? -1;
    const memberIndex = effect.resourceIndex;
    const token = effect.resource.token;
    const before = this.get(node, groupIndex, memberIndex);
    const b = this.behaviour(node, token);
    const t = this.timing(effect.resource.name);
    let planned: OpOutcome = 'ok';
    let durationMs: number;
    if (effect.action === 'status') {
      durationMs = this.rng.int(t.statusMs[0], t.statusMs[1]);
    } else {
      const range = effect.action === 'start' ? t.startMs : t.stopMs;
      durationMs = Math.round(this.rng.int(range[0], range[1]) * b.slowFactor);
      if (b.hangs > 0) {
        b.hangs--;
        durationMs = Number.POSITIVE_INFINITY;
      } else if (effect.action === 'start' && b.failStarts > 0) {
        b.failStarts--;
        planned = 'failed';
      } else if (effect.action === 'stop' && b.failStops > 0) {
        b.failStops--;
        planned = 'failed';
      }
    }
    const timeoutMs = Math.max(1, effect.timeoutMs);
    if (durationMs >= timeoutMs) {
      durationMs = timeoutMs;
      planned = 'timedOut';
    }
    if (effect.action === 'start') this.set(node, groupIndex, memberIndex, 'starting');
    // Stopping what is not running changes nothing real (idempotent stop): it stays 'stopped'.
    else if (effect.action === 'stop' && before !== 'stopped') this.set(node, groupIndex, memberIndex, 'stopping');
    const op: OpInFlight = {
      node,
      opId: effect.opId,
      groupIndex,
      group: effect.group,
      memberIndex,
      token,
      action: effect.action,
      startedAtMs: nowMs,
      finishAtMs: nowMs + Math.max(1, durationMs),
      plannedOutcome: planned,
      before,
    };
    this.inFlight.set(`${node}#${effect.opId}`, op);
    return op;
  }

  /** The operation returns: update the truth and say what the agent reports. */
  finish(op: OpInFlight): OpResult {
    this.inFlight.delete(`${op.node}#${op.opId}`);
    const k = key(op.node, op.groupIndex, op.memberIndex);
    const put = (v: MemberTruth) => this.set(op.node, op.groupIndex, op.memberIndex, v);
    const dirty = this.behaviour(op.node, op.token).dirty;
    const ms = op.finishAtMs - op.startedAtMs;
    switch (op.action) {
      case 'start':
        this.crashed.delete(k);
        if (op.plannedOutcome === 'ok') {
          put('running');
          return { outcome: 'ok', exitCode: 0, outputTail: '' };
        }
        put(op.before === 'running' || dirty ? 'running' : 'stopped');
        return op.plannedOutcome === 'timedOut'
          ? { outcome: 'timedOut', exitCode: null, outputTail: `${op.token}: start killed after ${ms} ms` }
          : { outcome: 'failed', exitCode: 1, outputTail: `${op.token}: start failed (simulated)` };
      case 'stop':
        this.crashed.delete(k);
        if (op.plannedOutcome === 'ok') {
          put('stopped');
          return { outcome: 'ok', exitCode: 0, outputTail: '' };
        }
        // A failed stop leaves things as they were: a running service keeps running.
        put(op.before === 'stopped' ? 'stopped' : 'running');
        return op.plannedOutcome === 'timedOut'
          ? { outcome: 'timedOut', exitCode: null, outputTail: `${op.token}: stop killed after ${ms} ms` }
          : { outcome: 'failed', exitCode: 1, outputTail: `${op.token}: stop failed (simulated)` };
      case 'status': {
        const now = this.get(op.node, op.groupIndex, op.memberIndex);
        if (now !== 'stopped') return { outcome: 'ok', exitCode: 0, outputTail: 'running' };
        if (this.crashed.has(k)) return { outcome: 'failed', exitCode: 1, outputTail: `${op.token} is dead` };
        return { outcome: 'notRunning', exitCode: 3, outputTail: 'stopped' };
      }
    }
  }

  /** A running service dies by itself (only monitoring can notice). */
  serviceDied(node: string, groupIndex: number, memberIndex: number): boolean {
    if (this.get(node, groupIndex, memberIndex) !== 'running') return false;
    this.set(node, groupIndex, memberIndex, 'stopped');
    this.crashed.add(key(node, groupIndex, memberIndex));
    return true;
  }

  /** The member stopped running by itself (serviceDied) and has not been started or stopped since. */
  diedByItself(node: string, groupIndex: number, memberIndex: number): boolean {
    return this.crashed.has(key(node, groupIndex, memberIndex));
  }

  /** The operator stops every member of a group on a node by hand (before `cleanup`). */
  stopByHand(node: string, groupIndex: number): void {
    const n = this.memberCount(groupIndex);
    for (let m = 0; m < n; m++) {
      this.set(node, groupIndex, m, 'stopped');
      this.crashed.delete(key(node, groupIndex, m));
    }
  }

  /** Power loss: every service on the node is gone and its operations never report back. */
  machineDown(node: string): void {
    this.truth.get(node)?.forEach((row, g) => row.forEach((_, m) => this.set(node, g, m, 'stopped')));
    for (const k of [...this.crashed]) if (k.startsWith(`${node}|`)) this.crashed.delete(k);
    for (const [k, op] of [...this.inFlight]) if (op.node === node) this.inFlight.delete(k);
  }

  /** The daemon died but the machine did not: operations in flight are orphaned, services keep their state. */
  processDown(node: string): void {
    for (const [k, op] of [...this.inFlight]) {
      if (op.node !== node) continue;
      this.inFlight.delete(k);
      // The orphaned agent still finishes; we settle its effect on the truth immediately.
      this.finish(op);
    }
  }

  /** A compact picture for timelines: "++" = both members running, "+-", "~" = in flight. */
  marker(node: string, groupIndex: number): string {
    const n = this.memberCount(groupIndex);
    let s = '';
    for (let m = 0; m < n; m++) {
      const t = this.memberTruth(node, groupIndex, m);
      s += t === 'running' ? '+' : t === 'stopped' ? '-' : t === 'starting' ? '^' : 'v';
    }
    return s;
  }
}

function key(node: string, groupIndex: number, memberIndex: number): string {
  return `${node}|${groupIndex}|${memberIndex}`;
}
