// Failover, failback, standby and takeover times of one manager, measured by the VIP probe from
// the client namespace, in a two-node cluster (nodea preferred, auto_failback on). One cycle:
//
//   1. VIP on nodea, cluster settled
//   2. fault on nodea at t0: crash (every process SIGKILLed, cable pulled), kill (kill -9 of the
//      manager's main process: what happens to the address is up to the manager's helpers) or
//      link (cable pulled, the manager keeps running) → failover = first ARP answer from nodeb − t0
//   3. nodea "reboots" (nothing running, no VIP, empty /run, cable in); nodeb answers alone
//   4. the manager starts on nodea at t1 → failback = nodea answers alone − t1
//   5. standby on nodea → nodeb answers alone; takeover on nodea → nodea answers alone
//
// A failed step is recorded with its error and the cluster is rebuilt from scratch (bounded).

import type { ManagerKind } from '../adapters';
import type { ClusterLab } from '../cluster-lab';
import { HBCTL_BIN } from '../paths';
import type { OwnerSegment } from '../probe-timeline';
import type { ClusterScenario } from '../scenario';
import { summarize } from '../stats';
import { delay, monotonicMs } from '../time';
import type { BenchContext } from './context';
import { BenchInterrupted } from './context';
import type { FaultKind } from './options';
import { CYCLE_PHASES, type CyclePhase, type FailoverCycle, type FailoverResult, type MetricName } from './results';

const A = 'nodea';
const B = 'nodeb';

export function failoverScenario(ctx: BenchContext): ClusterScenario {
  return { nodes: [A, B], service: 'dummy', pingNode: true, autoFailback: 'on', timers: ctx.options.timers };
}

interface Bounds {
  readonly failoverMs: number;
  readonly startMs: number;
  readonly moveMs: number;
  readonly settleMs: number;
}

function bounds(lab: ClusterLab): Bounds {
  const t = lab.scenario.timers;
  return {
    failoverMs: 4 * t.deadtimeMs + 30_000,
    startMs: t.initdeadMs + 4 * t.deadtimeMs + 60_000,
    moveMs: 4 * t.deadtimeMs + 30_000,
    settleMs: 90_000,
  };
}

async function baseline(ctx: BenchContext, lab: ClusterLab, fresh: boolean): Promise<void> {
  const b = bounds(lab);
  if (fresh) {
    for (const node of lab.nodes) await lab.faults.reboot(node.name);
    const since = monotonicMs();
    await lab.startAll();
    await lab.waitForVipOn(A, { timeoutMs: b.startMs, sinceMs: since, stableMs: 1000 });
  }
  await lab.waitSettled(b.settleMs);
  ctx.detail(`baseline: VIP on ${A}, settled`);
}

function outage(lab: ClusterLab, from: string, to: OwnerSegment): number | null {
  const last = lab.probe?.timeline.lastAnsweredBy(lab.node(from).mac, to.fromMs);
  return last === null || last === undefined ? null : Math.max(0, to.fromMs - last);
}

interface TimelineEntryLike {
  readonly at: string;
  readonly kind: string;
  readonly text: string;
}

export interface HbdTakeoverFacts {
  /** Wall-clock ms of the first agent start of the takeover. */
  readonly firstStartWallMs: number;
  /**
   * hbd's own delay: how late after deadtime the peer was declared dead (silence − deadtime, from
   * "nothing heard for X s", 10 ms resolution) plus declaration → first agent start.
   */
  readonly overheadMs: number;
}

/** From `hbctl status --json` on the survivor: the takeover's timeline (hbd only). */
export function hbdTakeoverFacts(statusJson: string, deadtimeMs: number, sinceWallMs: number): HbdTakeoverFacts | null {
  let timeline: readonly TimelineEntryLike[];
  try {
    const doc = JSON.parse(statusJson) as { data?: { lastFailover?: { timeline?: TimelineEntryLike[] } | null } };
    timeline = doc.data?.lastFailover?.timeline ?? [];
  } catch {
    return null;
  }
  const dead = timeline.find((entry) => entry.kind === 'peerDeclaredDead' && Date.parse(entry.at) >= sinceWallMs - 5);
  const silence = dead === undefined ? null : /nothing heard for ([\d.]+) s/.exec(dead.text);
  if (dead === undefined || silence?.[1] === undefined) return null;
  const deadAt = Date.parse(dead.at);
  const start = timeline.find((entry) => entry.kind === 'resourceOpStarted' && / start\b/.test(entry.text) && Date.parse(entry.at) >= deadAt);
  if (start === undefined) return null;
  const firstStartWallMs = Date.parse(start.at);
  return { firstStartWallMs, overheadMs: firstStartWallMs - deadAt + (Number(silence[1]) * 1000 - deadtimeMs) };
}

/** A hand-over's duration; the new owner must not have been answering before the instant. */
function since(segment: OwnerSegment, atMs: number, what: string): number {
  if (segment.fromMs < atMs) throw new Error(`${what}: the VIP was already answered that way before the command/fault`);
  return segment.fromMs - atMs;
}

async function applyFault(lab: ClusterLab, fault: FaultKind): Promise<void> {
  if (fault === 'crash') await lab.faults.crash(A);
  else if (fault === 'kill') {
    const pids = await lab.faults.killManager(A);
    if (pids.length === 0) throw new Error(`no ${lab.adapter.title} process to kill on ${A}`);
  } else await lab.faults.linkDown(A, 'switch');
}

async function cycle(ctx: BenchContext, lab: ClusterLab, kind: ManagerKind, run: number, fault: FaultKind): Promise<FailoverCycle> {
  const b = bounds(lab);
  const probe = lab.probe;
  if (probe === null) throw new Error('no VIP probe');
  const macA = lab.node(A).mac;
  const macB = lab.node(B).mac;
  const errors: string[] = [];
  let failoverMs: number | null = null;
  let dualOwnerMs = 0;
  let failbackMs: number | null = null;
  let failbackOutageMs: number | null = null;
  let standbyMs: number | null = null;
  let standbyOutageMs: number | null = null;
  let takeoverMs: number | null = null;
  let overheadMs: number | null = null;
  let agentToVipMs: number | null = null;
  const dualOwnerRounds: Record<CyclePhase, number> = { failover: 0, failback: 0, standby: 0, takeover: 0 };
  const dualRounds = (fromMs: number): number =>
    probe.timeline
      .dualOwnerEpisodes(fromMs)
      .filter((episode) => episode.lastMs >= fromMs)
      .reduce((sum, episode) => sum + episode.rounds, 0);
  const result = (): FailoverCycle => ({
    run,
    fault,
    failoverMs,
    dualOwnerMs,
    dualOwnerRounds,
    failbackMs,
    failbackOutageMs,
    standbyMs,
    standbyOutageMs,
    takeoverMs,
    overheadMs,
    agentToVipMs,
    errors,
  });
  try {
    const current = probe.currentMacs();
    if (!(current.length === 1 && current[0] === macA)) throw new Error(`cycle start: VIP answered by [${current.join(' ')}], not ${A}`);

    const t0 = monotonicMs();
    const w0 = Date.now();
    await applyFault(lab, fault);
    const taken = await probe.waitFor(`${B} answers after ${fault} of ${A}`, (macs) => macs.includes(macB), { sinceMs: t0, timeoutMs: b.failoverMs });
    failoverMs = since(taken, t0, 'failover');
    // Give the old node a moment to show whether it still answers (kill -9 leaves the address up).
    await delay(Math.max(500, 3 * 20));
    dualOwnerMs = probe.timeline.dualOwnerEpisodes(t0).reduce((sum, episode) => sum + (episode.lastMs - episode.fromMs) + 20, 0);
    dualOwnerRounds.failover = dualRounds(t0);
    if (kind === 'hbd') {
      const status = await lab.node(B).exec([process.execPath, HBCTL_BIN, 'status', '--json'], { check: false, timeoutMs: 10_000 });
      const facts = hbdTakeoverFacts(status.stdout, lab.scenario.timers.deadtimeMs, w0);
      if (facts === null) ctx.log(`${kind} run ${run} ${fault}: no takeover timeline in hbctl status --json (no overhead figure)`);
      else {
        overheadMs = facts.overheadMs;
        agentToVipMs = failoverMs - (facts.firstStartWallMs - w0);
      }
    }
    ctx.detail(`${kind} run ${run} ${fault}: failover ${Math.round(failoverMs)} ms${dualOwnerMs > 0 ? `, two owners ${Math.round(dualOwnerMs)} ms` : ''}`);

    await lab.faults.reboot(A);
    await lab.waitForVipOn(B, { timeoutMs: b.moveMs, stableMs: 300 });
    await lab.waitSettled(b.settleMs);

    const t1 = monotonicMs();
    await lab.startManager(A);
    const back = await lab.waitForVipOn(A, { sinceMs: t1, timeoutMs: b.startMs, stableMs: 300 });
    failbackMs = since(back, t1, 'failback');
    failbackOutageMs = outage(lab, B, back);
    await lab.waitSettled(b.settleMs);
    dualOwnerRounds.failback = dualRounds(t1);

    const t2 = monotonicMs();
    const standby = await lab.standby(A);
    ctx.detail(`standby: ${standby.stdout.trim().split('\n').pop() ?? ''}`);
    const given = await lab.waitForVipOn(B, { sinceMs: t2, timeoutMs: b.moveMs, stableMs: 300 });
    standbyMs = since(given, t2, 'standby');
    standbyOutageMs = outage(lab, A, given);
    await lab.waitSettled(b.settleMs);
    dualOwnerRounds.standby = dualRounds(t2);

    const t3 = monotonicMs();
    await lab.takeover(A);
    const taken3 = await lab.waitForVipOn(A, { sinceMs: t3, timeoutMs: b.moveMs, stableMs: 300 });
    takeoverMs = since(taken3, t3, 'takeover');
    await lab.waitSettled(b.settleMs);
    dualOwnerRounds.takeover = dualRounds(t3);
    ctx.detail(`${kind} run ${run} ${fault}: failback ${Math.round(failbackMs)} ms, standby ${Math.round(standbyMs)} ms, takeover ${Math.round(takeoverMs)} ms`);
  } catch (err) {
    errors.push(ctx.interrupted ? 'interrupted' : err instanceof Error ? err.message : String(err));
  }
  return result();
}

export async function runFailoverBench(ctx: BenchContext, kind: ManagerKind): Promise<FailoverResult> {
  const cycles: FailoverCycle[] = [];
  let error: string | null = null;
  let timers = null as FailoverResult['timers'] | null;
  try {
    await ctx.withLab(`${kind}-failover`, { scenario: failoverScenario(ctx), manager: kind }, async (lab) => {
      timers = lab.scenario.timers;
      await baseline(ctx, lab, true);
      let consecutiveFailures = 0;
      for (let run = 1; run <= ctx.options.runs; run += 1) {
        for (const fault of ctx.options.faults) {
          ctx.checkInterrupted();
          const one = await cycle(ctx, lab, kind, run, fault);
          cycles.push(one);
          ctx.checkInterrupted();
          if (one.errors.length === 0) {
            consecutiveFailures = 0;
            continue;
          }
          consecutiveFailures += 1;
          ctx.keepCurrentLabFiles();
          ctx.log(`${kind} run ${run} ${fault}: ${one.errors.join('; ')}`);
          if (consecutiveFailures >= 3) throw new Error(`three cycles in a row failed; last: ${one.errors.join('; ')}`);
          // Start over from a clean cluster (bounded: the baseline's own waits).
          for (const node of lab.nodes) await lab.stopManager(node.name, { timeoutMs: 5000 });
          await baseline(ctx, lab, true);
        }
        ctx.log(`${kind}: failover run ${run}/${ctx.options.runs} done`);
      }
    });
  } catch (err) {
    // Interrupted or not, what was measured so far is kept.
    error = err instanceof BenchInterrupted ? 'interrupted' : err instanceof Error ? err.message : String(err);
    if (!(err instanceof BenchInterrupted)) ctx.log(`${kind} failover: ${error}`);
  }
  return summarizeFailover(cycles, error, timers);
}

export function summarizeFailover(cycles: readonly FailoverCycle[], error: string | null, timers: FailoverResult['timers'] | null): FailoverResult {
  const pick = (fault: FaultKind | null, field: keyof FailoverCycle): number[] =>
    cycles
      .filter((c) => fault === null || c.fault === fault)
      .map((c) => c[field])
      .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  const summary: Partial<Record<MetricName, ReturnType<typeof summarize>>> = {
    crash: summarize(pick('crash', 'failoverMs')),
    kill: summarize(pick('kill', 'failoverMs')),
    link: summarize(pick('link', 'failoverMs')),
    failback: summarize(pick(null, 'failbackMs')),
    failbackOutage: summarize(pick(null, 'failbackOutageMs')),
    standby: summarize(pick(null, 'standbyMs')),
    standbyOutage: summarize(pick(null, 'standbyOutageMs')),
    takeover: summarize(pick(null, 'takeoverMs')),
    overhead: summarize(pick(null, 'overheadMs')),
    agentToVip: summarize(pick(null, 'agentToVipMs')),
  };
  const dualOwnerCycles: Partial<Record<FaultKind, number>> = {};
  for (const c of cycles) if (c.dualOwnerMs > 0) dualOwnerCycles[c.fault] = (dualOwnerCycles[c.fault] ?? 0) + 1;
  const dualOwnerCyclesByPhase: Partial<Record<CyclePhase, number>> = {};
  for (const phase of CYCLE_PHASES.filter((p) => p !== 'failover')) {
    dualOwnerCyclesByPhase[phase] = cycles.filter((c) => c.dualOwnerRounds[phase] > 0).length;
  }
  return {
    timers: timers ?? { keepaliveMs: 0, warntimeMs: 0, deadtimeMs: 0, initdeadMs: 0, deadpingMs: 0 },
    cycles,
    summary,
    dualOwnerCycles,
    dualOwnerCyclesByPhase,
    failedCycles: cycles.filter((c) => c.errors.length > 0).length,
    error,
  };
}
