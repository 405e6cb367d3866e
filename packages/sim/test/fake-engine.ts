// A deliberately trivial engine, for the harness's own tests only: it exercises the simulator's
// plumbing (clock, network, agents, ping, crash/restart, invariants) without @hbd/core. It is
// NOT a cluster manager: the first live node in `node` order owns every group, with no hand-over
// protocol at all. Flags plant specific bugs so each invariant can be shown to fire.

import type { ClusterConfig } from '@hbd/config';
import type { BootInfo, Effect, Input, NodeView, StepResult } from '@hbd/core';
import type { Engine } from '../src/engine-port';

export interface FakeFlags {
  /** Never persists a generation (S4). */
  readonly noPersist?: boolean;
  /** Sends its first heartbeat before persisting (S4). */
  readonly sendBeforePersist?: boolean;
  /** Starts every member at once (S2). */
  readonly startAllAtOnce?: boolean;
  /** Starts without ping quorum (S3). */
  readonly ignoreQuorum?: boolean;
  /** Throws on the n-th step (E1). */
  readonly throwAtStep?: number;
}

type Member = 'stopped' | 'starting' | 'started' | 'stopping';

interface FakeState {
  readonly config: ClusterConfig;
  readonly me: string;
  readonly gen: number;
  readonly bootAtMs: number;
  now: number;
  steps: number;
  nextBeatAtMs: number;
  nextProbeAtMs: number;
  readonly lastHeard: Record<string, number | null>;
  readonly peerGen: Record<string, number | null>;
  readonly reach: Record<string, boolean>;
  readonly groups: { members: Member[]; ops: Record<number, number> }[];
  nextOpId: number;
}

export function fakeEngine(flags: FakeFlags = {}): Engine<FakeState> {
  function alive(s: FakeState, node: string): boolean {
    if (node === s.me) return true;
    const last = s.lastHeard[node];
    return last !== null && last !== undefined && s.now - last < s.config.deadtimeMs;
  }
  function settled(s: FakeState): boolean {
    return s.config.nodes.every((n) => n === s.me || s.lastHeard[n] !== null) || s.now - s.bootAtMs >= s.config.initdeadMs;
  }
  function quorum(s: FakeState): boolean {
    return s.config.pingTargets.length === 0 || Object.values(s.reach).some(Boolean);
  }
  function reconcile(s: FakeState, fx: Effect[]): void {
    const owner = s.config.nodes.find((n) => alive(s, n));
    const mine = owner === s.me && settled(s) && (quorum(s) || flags.ignoreQuorum === true);
    s.config.groups.forEach((g, gi) => {
      const rt = s.groups[gi]!;
      if (Object.keys(rt.ops).length > 0) return;
      const run = (idx: number, action: 'start' | 'stop') => {
        const opId = s.nextOpId++;
        rt.members[idx] = action === 'start' ? 'starting' : 'stopping';
        rt.ops[opId] = idx;
        fx.push({ kind: 'runResourceOp', opId, group: g.id, resourceIndex: idx, resource: g.resources[idx]!, action, timeoutMs: s.config.agentTimeouts.startMs });
      };
      if (mine) {
        if (flags.startAllAtOnce) {
          rt.members.forEach((m, i) => m === 'stopped' && run(i, 'start'));
          return;
        }
        const next = rt.members.findIndex((m) => m !== 'started');
        if (next >= 0) run(next, 'start');
      } else {
        let last = -1;
        rt.members.forEach((m, i) => (m !== 'stopped' ? (last = i) : undefined));
        if (last >= 0) run(last, 'stop');
      }
    });
  }
  function finish(s: FakeState, fx: Effect[]): StepResult<FakeState> {
    if (s.now >= s.nextBeatAtMs) {
      const claims = s.config.groups.filter((_, gi) => s.groups[gi]!.members.some((m) => m !== 'stopped')).map((g) => ({ group: g.id, state: 'started' as const, epoch: 1 }));
      fx.push({ kind: 'sendMessage', to: 'all', message: { type: 'heartbeat', status: 'active', pingReachable: Object.values(s.reach).filter(Boolean).length, claims } });
      s.nextBeatAtMs = s.now + s.config.keepaliveMs;
    }
    if (s.now >= s.nextProbeAtMs) {
      for (const t of s.config.pingTargets) for (const a of t.addresses) fx.push({ kind: 'probePingTarget', target: t.name, address: a, timeoutMs: 500 });
      s.nextProbeAtMs = s.now + s.config.keepaliveMs;
    }
    reconcile(s, fx);
    const nextDeath = Math.min(...Object.values(s.lastHeard).filter((x): x is number => x !== null).map((x) => x + s.config.deadtimeMs).filter((x) => x > s.now), Infinity);
    const initdead = s.bootAtMs + s.config.initdeadMs > s.now ? s.bootAtMs + s.config.initdeadMs : Infinity;
    return { state: s, effects: fx, wakeAtMs: Math.min(s.nextBeatAtMs, s.nextProbeAtMs, nextDeath, initdead) };
  }
  return {
    name: 'fake',
    createNode(config: ClusterConfig, boot: BootInfo) {
      const gen = flags.noPersist ? Math.max(1, boot.previousGeneration) : boot.previousGeneration + 1;
      const s: FakeState = {
        config,
        me: boot.localNode,
        gen,
        bootAtMs: boot.nowMs,
        now: boot.nowMs,
        steps: 0,
        nextBeatAtMs: boot.nowMs,
        nextProbeAtMs: boot.nowMs,
        lastHeard: Object.fromEntries(config.nodes.filter((n) => n !== boot.localNode).map((n) => [n, null])),
        peerGen: Object.fromEntries(config.nodes.filter((n) => n !== boot.localNode).map((n) => [n, null])),
        reach: {},
        groups: config.groups.map((g) => ({ members: g.resources.map(() => 'stopped' as Member), ops: {} })),
        nextOpId: 1,
      };
      const fx: Effect[] = [];
      if (flags.sendBeforePersist) {
        fx.push({ kind: 'sendMessage', to: 'all', message: { type: 'heartbeat', status: 'init', pingReachable: 0, claims: [] } });
      }
      if (!flags.noPersist) fx.push({ kind: 'persistGeneration', generation: gen });
      fx.push({ kind: 'emit', event: { kind: 'nodeStarted', atMs: boot.nowMs, generation: gen } });
      return finish(s, fx);
    },
    step(s: FakeState, input: Input) {
      s.now = input.nowMs;
      s.steps++;
      if (flags.throwAtStep !== undefined && s.steps === flags.throwAtStep) throw new Error('planted: fake engine throws');
      const fx: Effect[] = [];
      switch (input.kind) {
        case 'packetReceived':
          if (input.message.type === 'heartbeat') {
            s.lastHeard[input.from] = input.nowMs;
            s.peerGen[input.from] = input.generation;
          }
          break;
        case 'pingProbeFinished':
          s.reach[input.address] = input.reachable;
          break;
        case 'resourceOpFinished':
          s.groups.forEach((rt) => {
            const idx = rt.ops[input.opId];
            if (idx === undefined) return;
            delete rt.ops[input.opId];
            const was = rt.members[idx]!;
            if (was === 'starting') rt.members[idx] = input.outcome === 'ok' ? 'started' : 'stopped';
            if (was === 'stopping') rt.members[idx] = input.outcome === 'ok' ? 'stopped' : 'started';
          });
          break;
        case 'adminRequested':
          fx.push({ kind: 'adminRequestCompleted', requestId: input.requestId, ok: false, message: 'the fake engine does nothing', moved: [] });
          break;
        case 'shutdownRequested':
          fx.push({ kind: 'emit', event: { kind: 'shutdownCompleted', atMs: input.nowMs } });
          break;
        default:
          break;
      }
      return finish(s, fx);
    },
    describeNode(s: FakeState): NodeView {
      const reachable = Object.values(s.reach).filter(Boolean).length;
      return {
        localNode: s.me,
        generation: s.gen,
        nowMs: s.now,
        status: 'active',
        nodes: s.config.nodes.map((name) => ({
          name,
          status: alive(s, name) ? 'active' : 'dead',
          generation: name === s.me ? s.gen : (s.peerGen[name] ?? null),
          lastHeardAtMs: s.lastHeard[name] ?? null,
          pingReachable: null,
          links: [],
        })),
        pingTargets: [],
        quorum: { reachable, total: s.config.pingTargets.length, hasQuorum: quorum(s) },
        groups: s.config.groups.map((g, gi) => ({
          id: g.id,
          preferredNode: g.preferredNode,
          owner: null,
          localState: s.groups[gi]!.members.some((m) => m !== 'stopped') ? 'started' : 'stopped',
          epoch: 1,
          members: g.resources.map((r, i) => ({ token: r.token, state: s.groups[gi]!.members[i] === 'started' ? 'started' : s.groups[gi]!.members[i]! })),
        })),
      };
    },
  };
}
