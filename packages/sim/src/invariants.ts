// The safety invariants, checked after every step against the simulator's ground truth (what the
// simulated agents really run), never against what the engines believe. See
// docs/internals/testing.md for each invariant's exact wording and the bounds it uses.

import type { ClusterMessage, NodeView } from '@hbd/core';
import type { RunResourceOp, SimAgents } from './agents';
import type { SimTopology } from './sim-config';

export type InvariantCode =
  | 'S1' // one active copy per group among connected nodes with ping quorum
  | 'S2' // members start left to right, stop right to left, one operation at a time
  | 'S3' // no start without ping quorum (per the node's own view)
  | 'S4' // generations persisted before use and strictly increasing; peers' never go back
  | 'S5' // no start elsewhere after a failed stop (unclean) before fencing
  | 'L1' // convergence after faults heal
  | 'L2' // admin requests complete within a bound
  | 'E1' // the engine threw
  | 'E2' // the engine asked for something impossible (busy loop, bad wake-up, unknown op)
  | 'E3'; // a graceful shutdown left services running

export interface Violation {
  readonly code: InvariantCode;
  readonly atMs: number;
  readonly node: string | null;
  readonly message: string;
}

export type NodeRunState = 'down' | 'up' | 'paused';

/** What the monitor may read of the simulated world. */
export interface World {
  readonly nowMs: number;
  readonly topology: SimTopology;
  readonly agents: SimAgents;
  nodeRunState(node: string): NodeRunState;
  /** How many configured ping targets the node really reaches now (ground truth). */
  pingReach(node: string): number;
  solidSince(a: string, b: string): number | null;
}

export interface InvariantBounds {
  /** S1: after two nodes (re)connect, how long a start decided on stale information is excused. */
  readonly staleStartGraceMs: number;
  /** S1: after two nodes (re)connect, by when one side of a pre-existing split brain must be releasing. */
  readonly splitBrainResolveMs: number;
}

export function defaultBounds(t: SimTopology): InvariantBounds {
  const opMax = Math.max(t.agentTimeouts.startMs, t.agentTimeouts.stopMs);
  return {
    staleStartGraceMs: t.deadtimeMs + t.keepaliveMs,
    splitBrainResolveMs: t.deadtimeMs + 2 * t.keepaliveMs + opMax,
  };
}

interface Activation {
  atMs: number;
  stopIssued: boolean;
}

interface FailedStop {
  atMs: number;
  incarnation: number;
  /** Node incarnations ("master2#3") told by a heartbeat claiming the group 'unclean' from this incarnation. */
  informed: Set<string>;
}

export interface MonitorStats {
  s1PairChecks: number;
  s1ExcusedNoQuorum: number;
  s1StaleStartsExcused: number;
  startsChecked: number;
}

export class InvariantMonitor {
  readonly violations: Violation[] = [];
  readonly stats: MonitorStats = { s1PairChecks: 0, s1ExcusedNoQuorum: 0, s1StaleStartsExcused: 0, startsChecked: 0 };
  private readonly activations = new Map<string, Activation>();
  private readonly failedStops = new Map<string, FailedStop>();
  private readonly peerGenerations = new Map<string, { incarnation: number; gens: Map<string, number> }>();
  private truthVersion = -1;
  private readonly excusedPairs = new Set<string>();

  constructor(
    private readonly world: World,
    private readonly bounds: InvariantBounds,
  ) {}

  get failed(): boolean {
    return this.violations.length > 0;
  }

  report(code: InvariantCode, node: string | null, message: string): void {
    this.violations.push({ code, atMs: this.world.nowMs, node, message });
  }

  // ---- S4: generations ---------------------------------------------------------------------

  onPersistGeneration(node: string, previous: number, generation: number): void {
    if (!(Number.isInteger(generation) && generation > previous)) {
      this.report('S4', node, `persisted generation ${generation} does not exceed the last persisted generation ${previous}`);
    }
  }

  onSend(node: string, persisted: number, view: NodeView, message: ClusterMessage): void {
    if (view.generation !== persisted) {
      this.report(
        'S4',
        node,
        `sent ${message.type} with generation ${view.generation} but generation ${persisted} is the last one made durable (persistGeneration must come first)`,
      );
    }
  }

  /** After every step: the generation a node knows for each peer never goes back. */
  onView(node: string, incarnation: number, view: NodeView): void {
    let known = this.peerGenerations.get(node);
    if (known === undefined || known.incarnation !== incarnation) {
      known = { incarnation, gens: new Map() };
      this.peerGenerations.set(node, known);
    }
    for (const peer of view.nodes) {
      if (peer.generation === null || peer.name === node) continue;
      const before = known.gens.get(peer.name);
      if (before !== undefined && peer.generation < before) {
        this.report('S4', node, `accepted generation ${peer.generation} for ${peer.name} after already knowing generation ${before}`);
      }
      known.gens.set(peer.name, peer.generation);
    }
  }

  // ---- S2, S3, S5: every resource operation, before it runs -----------------------------------

  onResourceOp(node: string, incarnation: number, op: RunResourceOp, view: NodeView, fencingConfigured: boolean): void {
    const agents = this.world.agents;
    const g = agents.groupIndexOf(op.group);
    if (g === undefined) {
      this.report('E2', node, `runResourceOp for unknown group ${op.group}`);
      return;
    }
    if (op.resourceIndex < 0 || op.resourceIndex >= agents.memberCount(g)) {
      this.report('E2', node, `runResourceOp for member ${op.resourceIndex} of ${op.group}, which has ${agents.memberCount(g)} members`);
      return;
    }
    if (op.action === 'status') return;
    if (op.action === 'start') {
      this.stats.startsChecked++;
      if (op.resourceIndex > 0) {
        const prev = agents.memberTruth(node, g, op.resourceIndex - 1);
        // A predecessor that died by itself is not the engine's doing (only monitoring can tell).
        if (prev !== 'running' && !agents.diedByItself(node, g, op.resourceIndex - 1)) {
          const token = this.world.topology.groups[g]?.tokens[op.resourceIndex - 1];
          this.report('S2', node, `started ${op.resource.token} while its predecessor ${token} is ${prev}, not started`);
        }
      }
      this.checkBusy(node, g, op);
      if (!view.quorum.hasQuorum) {
        this.report('S3', node, `started ${op.resource.token} of ${op.group} without ping quorum (${view.quorum.reachable}/${view.quorum.total} reachable per its own view)`);
      }
      this.checkStartAgainstFailedStops(node, incarnation, g, op.group, fencingConfigured);
      const k = `${node}|${g}`;
      const act = this.activations.get(k);
      if (!agents.isActive(node, g) || act === undefined || act.stopIssued) {
        this.activations.set(k, { atMs: this.world.nowMs, stopIssued: false });
      }
    } else {
      this.checkBusy(node, g, op);
      const n = agents.memberCount(g);
      for (let j = op.resourceIndex + 1; j < n; j++) {
        const later = agents.memberTruth(node, g, j);
        if (later !== 'stopped') {
          const token = this.world.topology.groups[g]?.tokens[j];
          this.report('S2', node, `stopping ${op.resource.token} while ${token}, which comes after it, is ${later}`);
          break;
        }
      }
      const act = this.activations.get(`${node}|${g}`);
      if (act !== undefined) act.stopIssued = true;
    }
  }

  private checkBusy(node: string, g: number, op: RunResourceOp): void {
    const busy = this.world.agents.busyMembers(node, g);
    if (busy.length > 0) {
      const b = busy[0]!;
      this.report('S2', node, `${op.action} of ${op.resource.token} issued while ${b.action} of ${b.token} (op ${b.opId}) is still running in ${op.group}`);
    }
  }

  private checkStartAgainstFailedStops(node: string, incarnation: number, g: number, group: string, fencingConfigured: boolean): void {
    const agents = this.world.agents;
    for (const other of this.world.topology.nodes) {
      if (other === node || !agents.isActive(other, g)) continue;
      const fs = this.failedStops.get(`${other}|${g}`);
      if (fs !== undefined && fs.informed.has(`${node}#${incarnation}`)) {
        this.report('S5', node, `started ${group} while ${other} still runs it after a failed stop, had said so (unclean), and was not fenced`);
        return;
      }
      if (fencingConfigured && this.world.solidSince(node, other) === null) {
        this.report('S5', node, `started ${group} while ${other}, which it cannot hear, still runs it: fencing is configured, so ${other} had to be fenced first`);
        return;
      }
    }
  }

  /** A stop returned failed or timed out and the member is still running there. */
  onStopFailed(node: string, incarnation: number, g: number): void {
    const k = `${node}|${g}`;
    const fs = this.failedStops.get(k);
    if (fs === undefined || fs.incarnation !== incarnation) {
      this.failedStops.set(k, { atMs: this.world.nowMs, incarnation, informed: new Set() });
    }
  }

  /** A heartbeat was handed to `to`: note who has been told about unclean groups. */
  onHeartbeatDelivered(from: string, fromIncarnation: number, to: string, toIncarnation: number, message: ClusterMessage): void {
    if (message.type !== 'heartbeat') return;
    for (const claim of message.claims) {
      if (claim.state !== 'unclean') continue;
      const g = this.world.agents.groupIndexOf(claim.group);
      if (g === undefined) continue;
      const fs = this.failedStops.get(`${from}|${g}`);
      if (fs !== undefined && fs.incarnation === fromIncarnation) fs.informed.add(`${to}#${toIncarnation}`);
    }
  }

  /** Power loss, fencing or the operator's hand: nothing of the node's groups runs any more. */
  onNodeCleared(node: string): void {
    for (const k of [...this.failedStops.keys()]) if (k.startsWith(`${node}|`)) this.failedStops.delete(k);
    for (const k of [...this.activations.keys()]) if (k.startsWith(`${node}|`)) this.activations.delete(k);
  }

  /**
   * An operator cleanup lifts the "unclean" block (the documented way out besides fencing) for the
   * node it runs on and for nodes that are down: a cleanup vouches for nothing else.
   */
  onCleanup(group: string, node: string): void {
    const g = this.world.agents.groupIndexOf(group);
    if (g === undefined) return;
    for (const n of this.world.topology.nodes) {
      if (n === node || this.world.nodeRunState(n) === 'down') this.failedStops.delete(`${n}|${g}`);
    }
  }

  hasFailedStop(node: string, g: number): boolean {
    return this.failedStops.has(`${node}|${g}`);
  }

  onGroupClearedByHand(node: string, g: number): void {
    this.failedStops.delete(`${node}|${g}`);
    this.activations.delete(`${node}|${g}`);
  }

  onNodeRestarted(node: string): void {
    this.peerGenerations.delete(node);
  }

  // ---- S1: after every step ----------------------------------------------------------------

  checkS1(): void {
    const w = this.world;
    const nodes = w.topology.nodes;
    const groups = w.topology.groups.length;
    if (w.agents.version !== this.truthVersion) {
      this.truthVersion = w.agents.version;
      // Forget activations and failed stops of groups that are fully stopped again.
      for (const map of [this.activations, this.failedStops]) {
        for (const k of map.keys()) {
          const bar = k.lastIndexOf('|');
          if (!w.agents.isActive(k.slice(0, bar), Number(k.slice(bar + 1)))) map.delete(k);
        }
      }
    }
    for (let g = 0; g < groups; g++) {
      for (let i = 0; i < nodes.length; i++) {
        const a = nodes[i]!;
        if (w.nodeRunState(a) === 'down' || !w.agents.isActive(a, g)) continue;
        for (let j = i + 1; j < nodes.length; j++) {
          const b = nodes[j]!;
          if (w.nodeRunState(b) === 'down' || !w.agents.isActive(b, g)) continue;
          this.checkPair(a, b, g);
        }
      }
    }
  }

  private checkPair(a: string, b: string, g: number): void {
    const w = this.world;
    const since = w.solidSince(a, b);
    if (since === null) return;
    this.stats.s1PairChecks++;
    const group = w.topology.groups[g]?.tokens[0] ?? String(g);
    if (w.topology.pingTargets.length > 0 && w.pingReach(a) === 0 && w.pingReach(b) === 0) {
      this.stats.s1ExcusedNoQuorum++;
      return;
    }
    const actA = this.activations.get(`${a}|${g}`) ?? { atMs: Number.NEGATIVE_INFINITY, stopIssued: false };
    const actB = this.activations.get(`${b}|${g}`) ?? { atMs: Number.NEGATIVE_INFINITY, stopIssued: false };
    const [first, second, actFirst, actSecond] = actA.atMs <= actB.atMs ? [a, b, actA, actB] : [b, a, actB, actA];
    if (actSecond.atMs >= since + this.bounds.staleStartGraceMs) {
      this.report(
        'S1',
        second,
        `${group} is active on both ${first} and ${second}: ${second} started it at ${fmt(actSecond.atMs)} while ${first} (connected since ${fmt(since)}) still ran it`,
      );
      return;
    }
    const pairKey = `${a}|${b}|${g}|${actA.atMs}|${actB.atMs}`;
    if (!this.excusedPairs.has(pairKey)) {
      this.excusedPairs.add(pairKey);
      this.stats.s1StaleStartsExcused++;
    }
    if (w.nowMs >= since + this.bounds.splitBrainResolveMs && !actFirst.stopIssued && !actSecond.stopIssued) {
      this.report(
        'S1',
        null,
        `${group} is active on both ${first} and ${second}, connected since ${fmt(since)}, and neither has begun to stop it after ${fmt(w.nowMs - since)} (bound ${fmt(this.bounds.splitBrainResolveMs)})`,
      );
    }
  }
}

export function fmt(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}
