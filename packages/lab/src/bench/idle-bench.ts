// Idle cost of each manager: a settled two-node cluster with the VIP, a Dummy service and the ping
// node, at the failover benchmark's timers, left alone for a window. For hbd, the RSS of an idle
// Node.js process (one timer, nothing else) is measured too: the floor any Node.js daemon starts from.

import type { ManagerKind } from '../adapters';
import type { ClusterLab } from '../cluster-lab';
import { readProcStat } from '../proc-stats';
import { delay, monotonicMs } from '../time';
import type { BenchContext } from './context';
import { BenchInterrupted } from './context';
import { failoverScenario } from './failover-bench';
import type { IdleResult } from './results';
import { sampleUsage } from './usage-sampling';

async function nodeRuntimeFloorRssMiB(lab: ClusterLab): Promise<number | null> {
  const child = lab.client.spawn([process.execPath, '-e', 'setInterval(() => {}, 1000); setTimeout(() => process.exit(0), 20000);']);
  try {
    await delay(3000);
    const stat = child.pid === undefined ? null : await readProcStat(child.pid);
    return stat === null ? null : stat.rssKiB / 1024;
  } finally {
    child.kill('SIGKILL');
  }
}

export async function runIdleBench(ctx: BenchContext, kind: ManagerKind): Promise<IdleResult> {
  const seconds = ctx.options.idleSeconds;
  try {
    return await ctx.withLab(`${kind}-idle`, { scenario: failoverScenario(ctx), manager: kind, probe: { intervalMs: 200 } }, async (lab) => {
      const since = monotonicMs();
      await lab.startAll();
      await lab.waitForVipOn('nodea', { timeoutMs: 90_000, sinceMs: since, stableMs: 1000 });
      await lab.waitSettled(90_000);
      ctx.log(`${kind}: idle for ${seconds} s`);
      const nodes = await sampleUsage(ctx, lab, seconds);
      const runtimeFloorRssMiB = kind === 'hbd' ? await nodeRuntimeFloorRssMiB(lab) : null;
      return { seconds, timers: lab.scenario.timers, nodes, runtimeFloorRssMiB, error: null };
    });
  } catch (err) {
    if (err instanceof BenchInterrupted) throw err;
    const error = err instanceof Error ? err.message : String(err);
    ctx.log(`${kind} idle: ${error}`);
    return { seconds, timers: { ...ctx.options.timers, deadpingMs: 0 }, nodes: [], runtimeFloorRssMiB: null, error };
  }
}
