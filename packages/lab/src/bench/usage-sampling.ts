// CPU and memory of each node's manager over a window: CPU seconds are the difference of the
// process tree's cumulative CPU (children it reaped included) between the window's ends; memory is
// the largest RSS (and PSS) seen at the samples in between.

import type { ClusterLab } from '../cluster-lab';
import { delay, monotonicMs } from '../time';
import type { BenchContext } from './context';
import type { NodeUsage } from './results';

export async function sampleUsage(ctx: BenchContext, lab: ClusterLab, seconds: number, sampleEveryMs = 5000): Promise<NodeUsage[]> {
  const names = lab.nodes.map((node) => node.name);
  const first = await Promise.all(names.map((name) => lab.managerUsage(name)));
  const peakRss = first.map((usage) => usage.rssKiB);
  const peakMainRss = first.map((usage) => usage.mainRssKiB);
  const peakPss = first.map((usage) => usage.pssKiB);
  const processes = first.map((usage) => usage.pids.length);
  const start = monotonicMs();
  const end = start + seconds * 1000;
  for (let i = 0; i < Math.ceil((seconds * 1000) / sampleEveryMs) + 1 && monotonicMs() < end; i += 1) {
    ctx.checkInterrupted();
    await delay(Math.min(sampleEveryMs, Math.max(0, end - monotonicMs())));
    const now = await Promise.all(names.map((name) => lab.managerUsage(name)));
    now.forEach((usage, j) => {
      peakRss[j] = Math.max(peakRss[j] ?? 0, usage.rssKiB);
      peakMainRss[j] = Math.max(peakMainRss[j] ?? 0, usage.mainRssKiB);
      const pss = usage.pssKiB;
      const before = peakPss[j];
      peakPss[j] = pss === null || before === null || before === undefined ? null : Math.max(before, pss);
      processes[j] = Math.max(processes[j] ?? 0, usage.pids.length);
    });
  }
  const last = await Promise.all(names.map((name) => lab.managerUsage(name)));
  const elapsedSeconds = (monotonicMs() - start) / 1000;
  return names.map((node, j) => {
    const cpuSeconds = Math.max(0, (last[j]?.cpuSeconds ?? 0) - (first[j]?.cpuSeconds ?? 0));
    const childCpuSeconds = Math.max(0, (last[j]?.childCpuSeconds ?? 0) - (first[j]?.childCpuSeconds ?? 0));
    const pss = peakPss[j];
    return {
      node,
      cpuSeconds,
      childCpuSeconds,
      cpuPercent: (100 * cpuSeconds) / elapsedSeconds,
      rssMiB: (peakRss[j] ?? 0) / 1024,
      mainRssMiB: (peakMainRss[j] ?? 0) / 1024,
      pssMiB: pss === null || pss === undefined ? null : pss / 1024,
      processes: processes[j] ?? 0,
    };
  });
}
