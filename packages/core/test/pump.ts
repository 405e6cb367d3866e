// A tiny in-test message pump for driving 2–3 real engines by hand: a clock, a per-direction
// cuttable network with fixed latency, agents that answer after a fixed time (scriptable per
// resource), ping targets reachable per node, fencing that "resets" the victim. Just enough to
// test the engine; the real simulator (seeded faults, invariants) is packages/sim.

import type { ClusterConfig } from '@hbd/config';
import { createNode, describeNode, step, type ClusterEvent, type Effect, type Input, type NodeState, type NodeView, type OpOutcome, type StepResult } from '../src';

export interface AgentAnswer {
  readonly outcome: OpOutcome;
  readonly afterMs?: number;
  readonly exitCode?: number | null;
  readonly outputTail?: string;
}

export type AgentScript = (node: string, op: Extract<Effect, { kind: 'runResourceOp' }>) => AgentAnswer | 'hang' | undefined;

interface Queued {
  readonly atMs: number;
  readonly seq: number;
  readonly to: string;
  readonly input: Input;
  readonly incarnation: number;
}

interface SimNode {
  readonly name: string;
  state: NodeState | null;
  wakeAtMs: number;
  incarnation: number;
  /** Time is frozen for a paused node: inputs queue up until it resumes. */
  paused: boolean;
}

export interface LoggedEvent {
  readonly node: string;
  readonly event: ClusterEvent;
}

export interface OpRecord {
  readonly node: string;
  readonly atMs: number;
  readonly group: string;
  readonly resource: string;
  readonly index: number;
  readonly action: 'start' | 'stop' | 'status';
  readonly phase: 'issued' | 'done';
  readonly outcome?: OpOutcome;
}

export class Pump {
  now = 0;
  latencyMs = 2;
  opLatencyMs = 100;
  /** Status checks (the start-up probe, monitoring) are quick. */
  statusLatencyMs = 10;
  pingLatencyMs = 5;
  /** Directed cuts "a>b"; a link name can be added as "a>b@link". */
  readonly cuts = new Set<string>();
  /** Links each message goes over. */
  links: string[] = ['eth0'];
  /** Ping reachability per node (default: every address reachable). */
  readonly pingDown = new Set<string>();
  /** "a>b": b's codec cannot read a's claims (another haresources): heartbeats arrive with claimsUnreadable. */
  readonly unreadableClaims = new Set<string>();
  agent: AgentScript = () => undefined;
  fenceSucceeds = true;
  readonly events: LoggedEvent[] = [];
  readonly ops: OpRecord[] = [];
  readonly sent: { from: string; to: string; atMs: number; type: string; dropped: boolean }[] = [];
  readonly admin: { node: string; atMs: number; effect: Extract<Effect, { kind: 'adminRequestCompleted' }> }[] = [];
  readonly fences: { by: string; node: string; atMs: number }[] = [];
  readonly persisted: Record<string, number> = {};
  /** Resources actually running on each node ("group#index"), as the agents would see them. */
  readonly running: Record<string, Set<string>> = {};
  private queue: Queued[] = [];
  private seq = 0;
  readonly nodes: Record<string, SimNode> = {};
  /** Drop every message of these types (to test resends). */
  readonly dropTypes = new Set<string>();
  private requestSeq = 0;

  constructor(readonly config: ClusterConfig) {
    for (const n of config.nodes) {
      this.nodes[n] = { name: n, state: null, wakeAtMs: Infinity, incarnation: 0, paused: false };
      this.running[n] = new Set();
    }
  }

  boot(name: string): StepResult<NodeState> {
    const n = this.nodes[name]!;
    n.incarnation++;
    const r = createNode(this.config, { localNode: name, nowMs: this.now, previousGeneration: this.persisted[name] ?? 0 });
    this.apply(n, r);
    return r;
  }

  bootAll(): void {
    for (const n of this.config.nodes) this.boot(n);
  }

  /** Power loss: the engine and everything the node ran are gone. */
  crash(name: string, keepResources = false): void {
    const n = this.nodes[name]!;
    n.state = null;
    n.wakeAtMs = Infinity;
    n.incarnation++;
    if (!keepResources) this.running[name]!.clear();
  }

  pause(name: string): void {
    this.nodes[name]!.paused = true;
  }

  resume(name: string): void {
    this.nodes[name]!.paused = false;
  }

  cut(a: string, b: string, both = true): void {
    this.cuts.add(`${a}>${b}`);
    if (both) this.cuts.add(`${b}>${a}`);
  }

  heal(): void {
    this.cuts.clear();
  }

  input(name: string, input: Input): StepResult<NodeState> {
    const n = this.nodes[name]!;
    const r = step(n.state!, input);
    this.apply(n, r);
    return r;
  }

  adminRequest(name: string, request: Extract<Input, { kind: 'adminRequested' }>['request']): string {
    const requestId = `req-${++this.requestSeq}`;
    this.input(name, { kind: 'adminRequested', nowMs: this.now, requestId, request });
    return requestId;
  }

  view(name: string): NodeView {
    return describeNode(this.nodes[name]!.state!);
  }

  state(name: string): NodeState {
    return this.nodes[name]!.state!;
  }

  private enqueue(to: string, delayMs: number, input: Input): void {
    const n = this.nodes[to]!;
    const q: Queued = { atMs: this.now + delayMs, seq: this.seq++, to, input, incarnation: n.incarnation };
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1]!.atMs > q.atMs || (this.queue[i - 1]!.atMs === q.atMs && this.queue[i - 1]!.seq > q.seq))) i--;
    this.queue.splice(i, 0, q);
  }

  private apply(n: SimNode, r: StepResult<NodeState>): void {
    n.state = r.state;
    n.wakeAtMs = r.wakeAtMs;
    for (const e of r.effects) this.effect(n, e);
  }

  private effect(n: SimNode, e: Effect): void {
    const s = n.state!;
    switch (e.kind) {
      case 'persistGeneration':
        this.persisted[n.name] = e.generation;
        break;
      case 'emit':
        this.events.push({ node: n.name, event: e.event });
        break;
      case 'sendMessage': {
        const targets = e.to === 'all' ? this.config.nodes.filter((x) => x !== n.name) : [e.to];
        for (const to of targets) {
          const dropped = this.dropTypes.has(e.message.type);
          this.sent.push({ from: n.name, to, atMs: this.now, type: e.message.type, dropped });
          if (dropped) continue;
          for (const link of this.links) {
            if (this.cuts.has(`${n.name}>${to}`) || this.cuts.has(`${n.name}>${to}@${link}`)) continue;
            if (this.nodes[to]!.state === null) continue;
            const message = this.unreadableClaims.has(`${n.name}>${to}`) && e.message.type === 'heartbeat' ? { ...e.message, claims: [], claimsUnreadable: true as const } : e.message;
            this.enqueue(to, this.latencyMs, { kind: 'packetReceived', nowMs: 0, from: n.name, link, generation: s.generation, message });
          }
        }
        break;
      }
      case 'runResourceOp': {
        this.ops.push({ node: n.name, atMs: this.now, group: e.group, resource: e.resource.token, index: e.resourceIndex, action: e.action, phase: 'issued' });
        const key = `${e.group}#${e.resourceIndex}`;
        const running = this.running[n.name]!;
        let answer = this.agent(n.name, e);
        if (answer === 'hang') break;
        if (answer === undefined) {
          answer = e.action === 'status' ? { outcome: running.has(key) ? 'ok' : 'notRunning' } : { outcome: 'ok' };
        }
        const a = answer;
        const delay = a.afterMs ?? (e.action === 'status' ? this.statusLatencyMs : this.opLatencyMs);
        const name = n.name;
        const incarnation = n.incarnation;
        this.later(delay, () => {
          if (this.nodes[name]!.incarnation !== incarnation) return;
          if (e.action === 'start' && a.outcome === 'ok') running.add(key);
          if (e.action === 'stop' && a.outcome === 'ok') running.delete(key);
          this.ops.push({ node: name, atMs: this.now, group: e.group, resource: e.resource.token, index: e.resourceIndex, action: e.action, phase: 'done', outcome: a.outcome });
        });
        this.enqueue(n.name, delay, { kind: 'resourceOpFinished', nowMs: 0, opId: e.opId, outcome: a.outcome, exitCode: a.exitCode ?? (a.outcome === 'ok' ? 0 : 1), outputTail: a.outputTail ?? '' });
        break;
      }
      case 'probePingTarget':
        this.enqueue(n.name, this.pingLatencyMs, {
          kind: 'pingProbeFinished',
          nowMs: 0,
          target: e.target,
          address: e.address,
          reachable: !this.pingDown.has(n.name) && !this.pingDown.has(`${n.name}@${e.address}`),
        });
        break;
      case 'fenceNode': {
        this.fences.push({ by: n.name, node: e.node, atMs: this.now });
        const victim = e.node;
        const ok = this.fenceSucceeds;
        this.later(50, () => {
          if (ok) this.crash(victim);
        });
        this.enqueue(n.name, 50, { kind: 'fenceFinished', nowMs: 0, node: victim, success: ok });
        break;
      }
      case 'adminRequestCompleted':
        this.admin.push({ node: n.name, atMs: this.now, effect: e });
        break;
    }
  }

  private actions: { atMs: number; fn: () => void }[] = [];

  /** Run `fn` at now + delayMs (before inputs due at the same instant). */
  later(delayMs: number, fn: () => void): void {
    this.actions.push({ atMs: this.now + delayMs, fn });
    this.actions.sort((a, b) => a.atMs - b.atMs);
  }

  /** Advance the clock to `untilMs`, delivering everything due on the way. */
  runUntil(untilMs: number): void {
    for (let guard = 0; guard < 1_000_000; guard++) {
      let next = Infinity;
      if (this.actions.length > 0) next = Math.min(next, this.actions[0]!.atMs);
      for (const q of this.queue) {
        if (!this.nodes[q.to]!.paused) {
          next = Math.min(next, q.atMs);
          break;
        }
      }
      for (const n of Object.values(this.nodes)) if (n.state !== null && !n.paused) next = Math.min(next, n.wakeAtMs);
      if (next > untilMs) break;
      this.now = Math.max(this.now, next);
      if (this.actions.length > 0 && this.actions[0]!.atMs <= this.now) {
        this.actions.shift()!.fn();
        continue;
      }
      const qi = this.queue.findIndex((q) => q.atMs <= this.now && !this.nodes[q.to]!.paused);
      if (qi >= 0) {
        const q = this.queue.splice(qi, 1)[0]!;
        const n = this.nodes[q.to]!;
        if (n.state === null || n.incarnation !== q.incarnation) continue;
        this.apply(n, step(n.state, { ...q.input, nowMs: this.now } as Input));
        continue;
      }
      for (const n of Object.values(this.nodes)) {
        if (n.state !== null && !n.paused && n.wakeAtMs <= this.now) {
          this.apply(n, step(n.state, { kind: 'timer', nowMs: this.now }));
        }
      }
    }
    this.now = Math.max(this.now, untilMs);
  }

  run(forMs: number): void {
    this.runUntil(this.now + forMs);
  }

  // ---- reading what happened ----

  /** Events of one kind, each with `on`: the node that emitted it. */
  eventsOf<K extends ClusterEvent['kind']>(kind: K, node?: string): (Extract<ClusterEvent, { kind: K }> & { on: string })[] {
    return this.events
      .filter((e) => e.event.kind === kind && (node === undefined || e.node === node))
      .map((e) => ({ ...(e.event as Extract<ClusterEvent, { kind: K }>), on: e.node }));
  }

  /** Nodes on which some member of the group is running (as the agents see it). */
  holders(group: string): string[] {
    return this.config.nodes.filter((n) => [...this.running[n]!].some((k) => k.startsWith(`${group}#`)));
  }

  /** Nodes on which every member of the group is running. */
  fullyOn(group: string): string[] {
    const size = this.config.groups.find((g) => g.id === group)!.resources.length;
    return this.config.nodes.filter((n) => [...this.running[n]!].filter((k) => k.startsWith(`${group}#`)).length === size);
  }

  /** A compact, readable timeline of selected events (for failure messages and eyeballing). */
  timeline(kinds?: readonly string[]): string {
    return this.events
      .filter((e) => kinds === undefined || kinds.includes(e.event.kind))
      .map((e) => {
        const { kind, atMs, ...rest } = e.event as { kind: string; atMs: number };
        return `${String(atMs).padStart(7)} ${e.node.padEnd(6)} ${kind} ${JSON.stringify(rest)}`;
      })
      .join('\n');
  }
}
