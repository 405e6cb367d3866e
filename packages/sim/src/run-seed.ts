// One seed, VOPR-style: a safety phase with faults (invariants S1–S5 after every step), then a
// liveness phase where every fault heals and the cluster must converge (L1) and answer an
// operator (L2) within stated bounds. Everything derives from the seed; the outcome says how to
// replay it.

import type { AdminScope } from '@hbd/core';
import type { Engine } from './engine-port';
import { requireCoreEngine } from './engine-port';
import { FaultInjector } from './faults';
import { fmt, type Violation } from './invariants';
import { CLEAN_CHANNEL } from './network';
import { SimRng } from './rng';
import type { SimTopology } from './sim-config';
import { Simulation } from './simulation';
import { describeSwarm, faultsArgument, swarmFor, type ProfileName, type Swarm, type SwarmChoices } from './swarm';

export interface RunSeedOptions {
  readonly profile?: ProfileName;
  /** The engine under test; default: the real @hbd/core. */
  readonly engine?: Engine;
  /** Keep the whole timeline (for `--seed S --timeline`), not just its tail. */
  readonly fullTimeline?: boolean;
  readonly faults?: SwarmChoices;
  /** Put every input in the timeline too (debugging a seed). */
  readonly trace?: boolean;
}

export interface SeedOutcome {
  readonly seed: number;
  readonly profile: ProfileName;
  readonly ok: boolean;
  readonly violations: readonly Violation[];
  readonly swarm: string;
  readonly faults: readonly string[];
  readonly simulatedMs: number;
  readonly steps: number;
  /** L1: how long after the last disturbance the cluster converged, and the bound it had. */
  readonly convergedAfterMs: number | null;
  readonly convergenceBoundMs: number;
  readonly adminChecked: boolean;
  readonly timeline: string;
  readonly replay: readonly string[];
}

/** The stated L1 bound, beyond initdead + deadtime (docs/internals/testing.md, "L1"). */
export function convergenceBoundMs(t: SimTopology, opMaxMs: { start: number; stop: number }): number {
  const moves = t.groups.reduce((sum, g) => sum + g.tokens.length * (opMaxMs.start + opMaxMs.stop), 0);
  return t.deadtimeMs + 10 * t.keepaliveMs + 2 * moves;
}

/**
 * The stated L2 bound: an admin request answers within it (plus any time its node was paused).
 * Twice the engine's own give-up time for a request (deadtime + 2 keepalives + per member: start
 * timeout, every stop attempt with its 1 s pause, and a status check).
 */
export function adminBoundMs(t: SimTopology): number {
  const a = t.agentTimeouts;
  const perMember = a.startMs + (t.stopRetriesMax + 1) * (a.stopMs + 1_000) + a.statusMs;
  const members = t.groups.reduce((n, g) => n + g.tokens.length, 0);
  return 2 * (t.deadtimeMs + 2 * t.keepaliveMs + members * perMember);
}

export function replayCommands(seed: number, profile: ProfileName, faults = ''): string[] {
  const p = profile === 'full' ? '' : ` --profile ${profile}`;
  const f = faults === '' ? '' : ` --faults=${faults}`;
  return [
    `pnpm sim --seed ${seed}${p}${f} --timeline`,
    `HB_SEED=${seed}${profile === 'full' ? '' : ` HB_PROFILE=${profile}`}${faults === '' ? '' : ` HB_FAULTS=${faults}`} pnpm exec jest packages/sim/test/replay.sim.test.ts`,
  ];
}

export function runSeed(seed: number, options: RunSeedOptions = {}): SeedOutcome {
  const profile = options.profile ?? 'full';
  const engine = options.engine ?? requireCoreEngine();
  const swarm = swarmFor(seed, profile, options.faults);
  const t = swarm.topology;
  const root = SimRng.fromSeed(seed);
  const rngFaults = root.fork('faults');
  const rngFenceFail = root.fork('fence-fails');
  const rngRun = root.fork('run');
  const sim = new Simulation({
    seed,
    topology: t,
    engine,
    timing: () => swarm.timing,
    baseChannel: swarm.baseChannel,
    clocks: swarm.clocks,
    timeline: options.fullTimeline ? 'full' : 'tail',
    trace: options.trace === true,
    rebootAfterFenceMs: swarm.rebootAfterFenceMs,
    fenceSucceeds: () => !rngFenceFail.chance(swarm.fenceFailP),
    maxSteps: 2_000_000,
  });
  for (const node of t.nodes) {
    const at = rngRun.int(0, swarm.bootSpreadMs);
    sim.at(at, `boot ${node}`, () => sim.boot(node));
  }
  const faults = new FaultInjector(sim, swarm, rngFaults);
  faults.start(rngRun.int(0, t.initdeadMs + t.deadtimeMs));

  const adminBound = adminBoundMs(t);
  const checkAdmin = () => {
    for (const rec of sim.admin.values()) {
      if (rec.completedAtMs !== null || rec.voided) continue;
      const waited = sim.nowMs - rec.issuedAtMs - rec.pausedMs;
      if (waited > adminBound) {
        sim.monitor.report('L2', rec.node, `${rec.requestId} (${describeRequest(rec.request)}) unanswered after ${fmt(waited)} (bound ${fmt(adminBound)})`);
        rec.voided = true;
      }
    }
  };

  // ---- Safety phase -------------------------------------------------------------------------
  advance(sim, swarm.safetyMs, t.keepaliveMs, checkAdmin);

  // ---- Liveness phase: heal everything, then converge ----------------------------------------
  const healAtMs = sim.nowMs;
  let lastDisturbanceMs = healAtMs;
  let convergedAfterMs: number | null = null;
  let adminChecked = false;
  const opMax = { start: swarm.timing.startMs[1], stop: swarm.timing.stopMs[1] };
  const bound = t.initdeadMs + t.deadtimeMs + convergenceBoundMs(t, opMax);
  if (!sim.failed && !sim.halted) {
    sim.network.healAll();
    sim.network.setBase({ ...CLEAN_CHANNEL, delayMaxMs: Math.min(swarm.baseChannel.delayMaxMs, 20) });
    sim.ping.healAll();
    sim.agents.healAll();
    sim.note(null, 'liveness phase: network, ping targets and agents healed; every node is powered on');
    for (const op of sim.agents.opsInFlight()) lastDisturbanceMs = Math.max(lastDisturbanceMs, op.finishAtMs);
    // The operator: powers nodes back on, and does what the engine asks a human to do (reading
    // `hbctl status` and the log): clean up groups left unclean or failed, or that a takeover is
    // refused for until a cleanup. Before a cleanup (which is cluster-wide) the operator checks
    // every node and stops by hand whatever of the group runs where hbd does not hold it.
    const done = new Set<string>();
    const asked = new Set<string>();
    sim.eventListeners.push((node, e) => {
      if (e.kind === 'refusedTakeover' && /cleanup/.test(e.reason)) asked.add(`${node}|${e.group}`);
    });
    const cleanup = (node: string, group: string, why: string): void => {
      const key = `${node}|${group}|${sim.persistedGeneration(node)}|${why}`;
      if (done.has(key)) return;
      if (sim.view(node)?.status !== 'active') return; // `hbctl status` shows it still starting: wait

      const gi = sim.agents.groupIndexOf(group) ?? -1;
      if (t.nodes.some((other) => sim.agents.busyMembers(other, gi).length > 0)) return; // let operations finish first
      done.add(key);
      for (const other of t.nodes) {
        const v = sim.view(other)?.groups.find((g) => g.id === group);
        const held = v !== undefined && (v.localState === 'started' || v.localState === 'starting' || v.localState === 'stopping');
        if (sim.agents.isActive(other, gi) && !held) sim.stopByHand(other, group);
      }
      sim.adminRequest(node, { command: 'cleanup', group });
      lastDisturbanceMs = Math.max(lastDisturbanceMs, sim.nowMs);
    };
    /** Nodes whose hbd says it holds the group (what `hbctl status` shows the operator). */
    const heldBy = (group: string): string[] =>
      t.nodes.filter((n) => {
        const g = sim.view(n)?.groups.find((x) => x.id === group);
        // A start that says what blocks it is waiting for the operator, not holding the group.
        return g !== undefined && (g.localState === 'started' || g.localState === 'stopping' || (g.localState === 'starting' && g.blockedBy === undefined));
      });
    const sweep = () => {
      for (const node of t.nodes) {
        if (sim.nodeRunState(node) === 'down') {
          sim.boot(node);
          lastDisturbanceMs = Math.max(lastDisturbanceMs, sim.nowMs);
        } else if (sim.nodeRunState(node) === 'paused') {
          lastDisturbanceMs = Math.max(lastDisturbanceMs, sim.nowMs);
        }
      }
      // A fence requested under faults and still on its way is a fault that has not ended yet.
      if (sim.fencesInFlight > 0) lastDisturbanceMs = Math.max(lastDisturbanceMs, sim.nowMs);
      for (const node of t.nodes) {
        if (sim.nodeRunState(node) !== 'up') continue;
        for (const g of sim.view(node)?.groups ?? []) {
          if (g.localState === 'unclean' || g.localState === 'failed') cleanup(node, g.id, g.localState);
          else if (g.blockedBy?.why === 'unclean' && heldBy(g.id).length === 0) {
            // A cleanup vouches for the node it runs on (or for dead ones): run it where the stop failed.
            const there = g.blockedBy.node;
            cleanup(sim.nodeRunState(there) !== 'down' ? there : node, g.id, `blocked by ${there}`);
          }
        }
      }
      for (const k of [...asked]) {
        asked.delete(k);
        const [node, group] = k.split('|') as [string, string];
        if (sim.nodeRunState(node) === 'up' && heldBy(group).length === 0) cleanup(node, group, 'refused');
      }
    };
    const hardStopMs = healAtMs + 4 * bound + 10 * t.agentTimeouts.stopMs;
    let convergedSinceMs: number | null = null;
    while (!sim.failed && !sim.halted && sim.nowMs < hardStopMs && sim.nowMs < lastDisturbanceMs + bound) {
      sweep();
      sim.runUntil(sim.nowMs + t.keepaliveMs);
      checkAdmin();
      const c = convergence(sim, t) === null && sim.fencesInFlight === 0 && [...sim.agents.opsInFlight()].every((op) => op.action === 'status');
      if (c && convergedSinceMs === null) convergedSinceMs = sim.nowMs;
      if (!c) convergedSinceMs = null;
      // Converged and quiet for two deadtimes after the last disturbance: no need to wait for the deadline.
      if (convergedSinceMs !== null && sim.nowMs - Math.max(convergedSinceMs, lastDisturbanceMs) >= 2 * t.deadtimeMs) break;
    }
    if (!sim.failed && !sim.halted) {
      const problem = convergence(sim, t);
      if (problem !== null) {
        sim.monitor.report('L1', null, `${fmt(sim.nowMs - lastDisturbanceMs)} after the last disturbance (bound initdead + deadtime + ${fmt(bound - t.initdeadMs - t.deadtimeMs)}): ${problem}`);
      } else {
        convergedAfterMs = Math.max(0, (convergedSinceMs ?? sim.nowMs) - lastDisturbanceMs);
        // Stays converged: nothing starts or stops for two more deadtimes.
        const opsBefore = countStartStop(sim);
        advance(sim, sim.nowMs + 2 * t.deadtimeMs, t.keepaliveMs, checkAdmin);
        const problemLater = convergence(sim, t);
        if (!sim.failed && (problemLater !== null || countStartStop(sim) !== opsBefore)) {
          sim.monitor.report('L1', null, `converged, then changed again without any fault: ${problemLater ?? `${countStartStop(sim) - opsBefore} more start/stop operations`}`);
        }
      }
    }
    // ---- L2 with a healthy cluster: one operator request, answered, and the cluster stays whole.
    if (!sim.failed && !sim.halted) {
      const upNodes = t.nodes.filter((n) => sim.nodeRunState(n) === 'up');
      const node = rngRun.pick(upNodes.length > 0 ? upNodes : t.nodes);
      const command = rngRun.pick(['standby', 'takeover'] as const);
      const scope = rngRun.pick<AdminScope>(['all', 'local', 'foreign', 'failback']);
      const id = sim.adminRequest(node, { command, scope });
      const issued = sim.nowMs;
      while (!sim.failed && sim.admin.get(id)?.completedAtMs === null && !sim.admin.get(id)?.voided && sim.nowMs < issued + adminBound) {
        sim.runUntil(sim.nowMs + t.keepaliveMs);
      }
      const rec = sim.admin.get(id)!;
      if (rec.voided) {
        // Its node went down meanwhile (fenced, say): nothing to answer; L2 stays unchecked for this seed.
      } else if (!sim.failed && rec.completedAtMs === null) {
        sim.monitor.report('L2', node, `${id} (${command} ${scope}) unanswered after ${fmt(sim.nowMs - issued)} with a healthy cluster (bound ${fmt(adminBound)})`);
      } else if (!sim.failed) {
        advance(sim, sim.nowMs + t.deadtimeMs + convergenceBoundMs(t, opMax), t.keepaliveMs, checkAdmin);
        const problem = convergence(sim, t, false);
        if (!sim.failed && problem !== null) sim.monitor.report('L2', node, `after ${id} (${command} ${scope}) answered "${rec.message}": ${problem}`);
        adminChecked = true;
      }
    }
  }

  const ok = !sim.failed;
  return {
    seed,
    profile,
    ok,
    violations: sim.violations,
    swarm: describeSwarm(swarm),
    faults: faults.log,
    simulatedMs: sim.nowMs,
    steps: sim.stats.steps,
    convergedAfterMs,
    convergenceBoundMs: bound,
    adminChecked,
    timeline: ok && !options.fullTimeline ? '' : sim.timeline.text(),
    replay: replayCommands(seed, profile, faultsArgument(options.faults)),
  };
}

function advance(sim: Simulation, untilMs: number, chunkMs: number, each: () => void): void {
  while (!sim.failed && !sim.halted && sim.nowMs < untilMs) {
    sim.runUntil(Math.min(untilMs, sim.nowMs + chunkMs));
    each();
  }
}

function countStartStop(sim: Simulation): number {
  return sim.startStopOps;
}

/**
 * L1's condition, or null when it holds: every group fully active on exactly one node, nothing of
 * it anywhere else, on its preferred node when auto_failback is on or legacy (every node is up).
 */
export function convergence(sim: Simulation, t: SimTopology, preferred = true): string | null {
  for (const g of t.groups) {
    const id = g.tokens[0]!;
    const holders = sim.holders(id);
    const active = sim.activeOn(id);
    if (holders.length !== 1 || active.length !== 1) {
      return `${id} is fully running on [${holders.join(' ')}] and active on [${active.join(' ')}], expected exactly one node`;
    }
    // An operator's hb_standby/hb_takeover move is not undone by auto_failback (Heartbeat fails back on rejoin only).
    if (preferred && t.autoFailback !== 'off' && !sim.movedByAdmin.has(id) && holders[0] !== g.preferredNode && sim.nodeRunState(g.preferredNode) === 'up') {
      return `${id} runs on ${holders[0]}, but auto_failback ${t.autoFailback} wants it on its preferred node ${g.preferredNode}`;
    }
  }
  return null;
}

function describeRequest(r: { command: string; scope?: string; group?: string }): string {
  return r.command === 'cleanup' ? `cleanup ${r.group}` : `${r.command} ${r.scope}`;
}

/** The failure report: what to read first, then how to replay. */
export function formatFailure(o: SeedOutcome): string {
  const v = o.violations[0];
  const lines = [
    `seed ${o.seed} (${o.profile}) FAILED: ${v === undefined ? 'unknown' : `${v.code} at ${fmt(v.atMs)}${v.node === null ? '' : ` on ${v.node}`}: ${v.message}`}`,
    `  swarm: ${o.swarm}`,
    `  faults: ${o.faults.slice(-15).join(' | ') || 'none'}`,
    '  replay:',
    ...o.replay.map((c) => `    ${c}`),
    '  timeline (tail):',
    ...o.timeline
      .trimEnd()
      .split('\n')
      .slice(-60)
      .map((l) => `    ${l}`),
  ];
  return lines.join('\n');
}

export { swarmFor, type Swarm };
