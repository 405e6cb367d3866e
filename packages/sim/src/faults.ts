// The safety phase's fault injector: at random intervals it picks a fault from the seed's mix,
// applies it and schedules its end. Every choice is drawn from the 'faults' stream of the seed.

import type { AdminScope } from '@hbd/core';
import type { SimRng } from './rng';
import type { Simulation } from './simulation';
import { FAULT_KINDS, type FaultKind, type Swarm } from './swarm';

export class FaultInjector {
  /** What was done, in order ("12.000 s crash master2 for 7.5 s"): printed with a failure. */
  readonly log: string[] = [];
  readonly counts: Record<FaultKind, number>;
  private readonly weights: Record<string, number>;

  constructor(
    private readonly sim: Simulation,
    private readonly swarm: Swarm,
    private readonly rng: SimRng,
  ) {
    this.counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
    this.weights = { ...swarm.faultWeights };
  }

  start(firstAtMs: number): void {
    this.later(firstAtMs, 'fault', () => this.tick());
  }

  /** Schedules part of a fault; nothing of it runs once the liveness phase has healed everything. */
  private later(atMs: number, label: string, run: () => void): void {
    this.sim.at(atMs, label, () => {
      if (this.sim.nowMs < this.swarm.safetyMs) run();
    });
  }

  private tick(): void {
    const sim = this.sim;
    if (sim.nowMs >= this.swarm.safetyMs) return;
    const kind = this.rng.weighted(this.weights) as FaultKind;
    if (this.apply(kind)) this.counts[kind]++;
    const [lo, hi] = this.swarm.faultGapMs;
    this.later(sim.nowMs + this.rng.int(lo, hi), 'fault', () => this.tick());
  }

  private note(text: string): void {
    this.log.push(`${(this.sim.nowMs / 1000).toFixed(3)} s ${text}`);
  }

  private upNodes(): string[] {
    return this.sim.topology.nodes.filter((n) => this.sim.nodeRunState(n) === 'up');
  }

  private duration(): number {
    const d = this.swarm.topology.deadtimeMs;
    return this.rng.int(Math.round(d / 3), d * 3);
  }

  private pair(): [string, string] {
    const nodes = this.sim.topology.nodes;
    const a = this.rng.int(0, nodes.length - 1);
    let b = this.rng.int(0, nodes.length - 2);
    if (b >= a) b++;
    return [nodes[a]!, nodes[b]!];
  }

  /** Applies one fault; false when it had nothing to act on. */
  private apply(kind: FaultKind): boolean {
    const sim = this.sim;
    const t = this.swarm.topology;
    const until = (ms: number) => sim.nowMs + ms;
    switch (kind) {
      case 'partition':
      case 'oneWayPartition': {
        const side = this.rng.subset(t.nodes, 0.5);
        if (side.length === 0 || side.length === t.nodes.length) side.splice(0, side.length, t.nodes[this.rng.int(0, t.nodes.length - 1)]!);
        const oneWay = kind === 'oneWayPartition';
        const d = this.duration();
        sim.network.partition(side, oneWay);
        sim.note(null, `network: ${oneWay ? 'one-way ' : ''}partition {${side.join(' ')}} ${oneWay ? '-/->' : '<-/->'} the rest for ${(d / 1000).toFixed(1)} s`);
        this.note(`${kind} {${side.join(' ')}} for ${d} ms`);
        this.later(until(d), 'heal partition', () => {
          for (const a of t.nodes) {
            for (const b of t.nodes) {
              if (a === b || side.includes(a) === side.includes(b)) continue;
              if (oneWay && !side.includes(a)) continue;
              for (const link of sim.links) sim.network.set(a, b, link, { blocked: false });
            }
          }
          sim.note(null, `network: partition {${side.join(' ')}} healed`);
        });
        return true;
      }
      case 'linkCut': {
        const [a, b] = this.pair();
        const link = this.rng.pick(sim.links);
        const d = this.duration();
        sim.network.setPair(a, b, { blocked: true }, [link]);
        sim.note(null, `network: link ${link} between ${a} and ${b} cut for ${(d / 1000).toFixed(1)} s`);
        this.note(`linkCut ${a}-${b} ${link} for ${d} ms`);
        this.later(until(d), 'restore link', () => sim.network.setPair(a, b, { blocked: false }, [link]));
        return true;
      }
      case 'flap': {
        const [a, b] = this.pair();
        const flaps = this.rng.int(2, 6);
        let at = sim.nowMs;
        for (let i = 0; i < flaps; i++) {
          const down = this.rng.int(Math.round(t.keepaliveMs / 2), Math.round(t.deadtimeMs * 1.2));
          const up = this.rng.int(Math.round(t.keepaliveMs / 2), Math.round(t.deadtimeMs / 2));
          this.later(at, 'flap down', () => sim.network.setPair(a, b, { blocked: true }));
          this.later(at + down, 'flap up', () => sim.network.setPair(a, b, { blocked: false }));
          at += down + up;
        }
        sim.note(null, `network: links between ${a} and ${b} flap ${flaps} times`);
        this.note(`flap ${a}-${b} x${flaps}`);
        return true;
      }
      case 'lossy': {
        const [a, b] = this.pair();
        const lossP = this.rng.pick([0.1, 0.3, 0.5, 0.8]);
        const dupP = this.rng.pick([0, 0.1, 0.3]);
        const delayMaxMs = this.rng.pick([50, t.keepaliveMs, t.keepaliveMs * 3]);
        const d = this.duration();
        sim.network.setPair(a, b, { lossP, dupP, delayMaxMs });
        sim.note(null, `network: ${a}<->${b} loses ${lossP * 100}%, duplicates ${dupP * 100}%, delays up to ${delayMaxMs} ms for ${(d / 1000).toFixed(1)} s`);
        this.note(`lossy ${a}-${b} loss ${lossP} dup ${dupP} delay ${delayMaxMs} for ${d} ms`);
        const base = this.swarm.baseChannel;
        this.later(until(d), 'restore channel', () => sim.network.setPair(a, b, { lossP: base.lossP, dupP: base.dupP, delayMaxMs: base.delayMaxMs }));
        return true;
      }
      case 'crash':
      case 'processCrash': {
        const up = this.upNodes();
        if (up.length === 0) return false;
        const node = this.rng.pick(up);
        const d = this.rng.int(t.keepaliveMs, t.deadtimeMs * 3);
        if (kind === 'crash') sim.crash(node);
        else sim.crashProcess(node);
        this.note(`${kind} ${node} for ${d} ms`);
        this.later(until(d), 'boot', () => sim.boot(node));
        return true;
      }
      case 'shutdown': {
        const up = this.upNodes();
        if (up.length === 0) return false;
        const node = this.rng.pick(up);
        const d = this.rng.int(t.keepaliveMs, t.deadtimeMs * 3);
        sim.shutdown(node);
        this.note(`shutdown ${node}, start again in ${d} ms`);
        const bootWhenDown = (tries: number) => {
          if (sim.nodeRunState(node) === 'down') sim.boot(node);
          else if (tries > 0) this.later(sim.nowMs + t.keepaliveMs, 'boot after shutdown', () => bootWhenDown(tries - 1));
        };
        this.later(until(d), 'boot after shutdown', () => bootWhenDown(50));
        return true;
      }
      case 'pause': {
        const up = this.upNodes();
        if (up.length === 0) return false;
        const node = this.rng.pick(up);
        const d = this.rng.int(t.keepaliveMs, t.deadtimeMs * 2);
        sim.pause(node, d);
        this.note(`pause ${node} for ${d} ms`);
        return true;
      }
      case 'agentFault': {
        const node = this.rng.pick(t.nodes);
        const group = this.rng.pick(t.groups);
        const token = this.rng.pick(group.tokens);
        const b = sim.agents.behaviour(node, token);
        const mode = this.rng.weighted({ failStart: 3, failStop: 3, hang: 2, slow: 1, dirty: 1 });
        switch (mode) {
          case 'failStart':
            b.failStarts += this.rng.int(1, 3);
            break;
          case 'failStop':
            b.failStops += this.rng.int(1, t.stopRetriesMax + 2);
            break;
          case 'hang':
            b.hangs += 1;
            break;
          case 'slow':
            b.slowFactor = this.rng.int(2, 5);
            break;
          case 'dirty':
            b.dirty = true;
            b.failStarts += 1;
            break;
        }
        sim.note(node, `agent ${token}: next operations ${mode === 'failStart' ? `fail to start (${b.failStarts})` : mode === 'failStop' ? `fail to stop (${b.failStops})` : mode === 'hang' ? 'hang until killed' : mode === 'slow' ? `are ${b.slowFactor}x slower` : 'fail to start and leave a residue'}`);
        this.note(`agentFault ${node} ${token} ${mode}`);
        return true;
      }
      case 'serviceDeath': {
        const candidates: [string, string, number][] = [];
        t.groups.forEach((g, gi) => {
          for (const node of t.nodes) {
            g.tokens.forEach((_, m) => {
              if (sim.agents.memberTruth(node, gi, m) === 'running') candidates.push([node, g.tokens[0]!, m]);
            });
          }
        });
        if (candidates.length === 0) return false;
        const [node, group, m] = this.rng.pick(candidates);
        sim.killService(node, group, m);
        this.note(`serviceDeath ${node} ${group}#${m}`);
        return true;
      }
      case 'pingCut': {
        const node = this.rng.pick(t.nodes);
        const d = this.duration();
        const all = this.rng.chance(0.6);
        const addresses = all ? t.pingTargets.flatMap((p) => p.addresses) : [this.rng.pick(t.pingTargets.flatMap((p) => p.addresses))];
        for (const a of addresses) sim.ping.cut(node, a);
        sim.note(node, `ping: ${addresses.join(' ')} unreachable from ${node} for ${(d / 1000).toFixed(1)} s`);
        this.note(`pingCut ${node} ${addresses.join(',')} for ${d} ms`);
        this.later(until(d), 'ping restored', () => {
          for (const a of addresses) sim.ping.restore(node, a);
        });
        return true;
      }
      case 'pingTargetDown': {
        const address = this.rng.pick(t.pingTargets.flatMap((p) => p.addresses));
        const d = this.duration();
        sim.ping.cut('*', address);
        sim.note(null, `ping: ${address} down for everyone for ${(d / 1000).toFixed(1)} s`);
        this.note(`pingTargetDown ${address} for ${d} ms`);
        this.later(until(d), 'ping target back', () => sim.ping.restore('*', address));
        return true;
      }
      case 'admin': {
        const up = this.upNodes();
        if (up.length === 0) return false;
        const node = this.rng.pick(up);
        const command = this.rng.pick(['standby', 'takeover'] as const);
        const scope = this.rng.pick<AdminScope>(['all', 'local', 'foreign', 'failback']);
        const id = sim.adminRequest(node, { command, scope });
        this.note(`admin ${id} ${command} ${scope} on ${node}`);
        return true;
      }
      case 'cleanup': {
        const found: [string, string][] = [];
        for (const node of t.nodes) {
          const view = sim.view(node);
          for (const g of view?.groups ?? []) if (g.localState === 'unclean' || g.localState === 'failed') found.push([node, g.id]);
        }
        if (found.length === 0) return false;
        const [node, group] = this.rng.pick(found);
        if (sim.agents.busyMembers(node, sim.agents.groupIndexOf(group) ?? -1).length > 0) return false;
        const id = sim.operatorCleanup(node, group);
        this.note(`cleanup ${id} ${group} on ${node}`);
        return true;
      }
    }
  }
}
