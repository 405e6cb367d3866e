// False deaths: a healthy two-node cluster at keepalive 50 ms / deadtime 150 ms while every CPU
// is saturated by busy loops, for a bounded window. Counted two ways: the managers' own "peer is
// dead" log lines, and the VIP probe seeing the address answered by anyone but the owner.
// No ping node here: Heartbeat pings once a second, which cannot meet a 150 ms dead time, and ping
// loss is not what is measured.

import { availableParallelism } from 'node:os';
import type { ManagerKind } from '../adapters';
import { startLoadGenerator } from '../load-generator';
import type { ClusterScenario, ScenarioTimers } from '../scenario';
import { delay, monotonicMs } from '../time';
import type { BenchContext } from './context';
import { BenchInterrupted } from './context';
import type { FalseDeathResult } from './results';

export const FALSE_DEATH_TIMERS: Omit<ScenarioTimers, 'deadpingMs'> = { keepaliveMs: 50, warntimeMs: 100, deadtimeMs: 150, initdeadMs: 3000 };

export function falseDeathScenario(): ClusterScenario {
  return { nodes: ['nodea', 'nodeb'], service: 'dummy', pingNode: false, autoFailback: 'on', timers: FALSE_DEATH_TIMERS };
}

export async function runFalseDeathBench(ctx: BenchContext, kind: ManagerKind): Promise<FalseDeathResult> {
  const seconds = ctx.options.falseDeathSeconds;
  const workers = availableParallelism();
  const empty = { seconds, timers: { ...FALSE_DEATH_TIMERS, deadpingMs: 0 }, loadWorkers: workers, peerDeaths: 0, vipMoves: 0, dualOwnerRounds: 0, unansweredRounds: 0, probeRounds: 0 };
  try {
    return await ctx.withLab(`${kind}-false-deaths`, { scenario: falseDeathScenario(), manager: kind, probe: { intervalMs: 50, maxDurationMs: (seconds + 600) * 1000 } }, async (lab) => {
      const probe = lab.probe!;
      const since = monotonicMs();
      await lab.startAll();
      await lab.waitForVipOn('nodea', { timeoutMs: 90_000, sinceMs: since, stableMs: 2000 });
      await lab.waitSettled(90_000);
      const deathsBefore = await Promise.all(lab.nodes.map((node) => lab.peerDeaths(node.name)));
      const macA = lab.node('nodea').mac;
      const load = startLoadGenerator(lab.client, { workers, maxDurationMs: (seconds + 60) * 1000 });
      const start = monotonicMs();
      const roundsBefore = probe.timeline.rounds;
      const dualBefore = probe.timeline.dualRounds;
      ctx.log(`${kind}: ${seconds} s at keepalive 50 ms / deadtime 150 ms with ${workers} busy loops`);
      try {
        for (let elapsed = 0; elapsed < seconds; elapsed += 10) {
          ctx.checkInterrupted();
          await delay(Math.min(10, seconds - elapsed) * 1000);
          if (elapsed % 60 === 50) ctx.detail(`${kind}: ${elapsed + 10} s of ${seconds} s under load`);
        }
      } finally {
        load.stop();
      }
      const end = monotonicMs();
      const deathsAfter = await Promise.all(lab.nodes.map((node) => lab.peerDeaths(node.name)));
      const segments = probe.timeline.segments(start).filter((segment) => segment.fromMs <= end);
      const vipMoves = segments.filter((segment) => segment.macs.some((mac) => mac !== macA)).length;
      const unansweredRounds = segments.filter((segment) => segment.macs.length === 0).reduce((sum, segment) => sum + segment.rounds, 0);
      return {
        ...empty,
        timers: lab.scenario.timers,
        peerDeaths: deathsAfter.reduce((sum, after, i) => sum + after - (deathsBefore[i] ?? 0), 0),
        vipMoves,
        dualOwnerRounds: probe.timeline.dualRounds - dualBefore,
        unansweredRounds,
        probeRounds: probe.timeline.rounds - roundsBefore,
        error: null,
      };
    });
  } catch (err) {
    if (err instanceof BenchInterrupted) throw err;
    const error = err instanceof Error ? err.message : String(err);
    ctx.log(`${kind} false deaths: ${error}`);
    return { ...empty, error };
  }
}
