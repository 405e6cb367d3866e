// What a worker thread runs (a batch of seeds) and how the results add up.

import { plantedEngine, type PlantedBug } from '../planted-bugs';
import { formatFailure, runSeed } from '../run-seed';
import type { FaultKind, ProfileName } from '../swarm';

export interface WorkerJob {
  readonly seeds: readonly number[];
  readonly profile: ProfileName;
  readonly faults: { readonly enable: readonly FaultKind[]; readonly disable: readonly FaultKind[] };
  readonly planted: PlantedBug | undefined;
  readonly json: boolean;
}

export interface WorkerResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly violation: { readonly code: string; readonly atMs: number; readonly node: string | null; readonly message: string } | null;
  readonly steps: number;
  readonly simulatedMs: number;
  readonly convergedAfterMs: number | null;
  readonly convergenceBoundMs: number;
  readonly adminChecked: boolean;
  readonly replay: readonly string[];
  /** The full failure report (swarm, faults, replay, timeline tail); empty when ok. */
  readonly report: string;
}

export function runBatch(job: WorkerJob): WorkerResult[] {
  return job.seeds.map((seed) => {
    // A fresh wrapper per seed: a planted engine keeps a per-cluster mailbox.
    const engine = job.planted === undefined ? undefined : plantedEngine(job.planted);
    const o = runSeed(seed, { profile: job.profile, faults: job.faults, ...(engine === undefined ? {} : { engine }) });
    const v = o.violations[0];
    return {
      seed,
      ok: o.ok,
      violation: v === undefined ? null : { code: v.code, atMs: v.atMs, node: v.node, message: v.message },
      steps: o.steps,
      simulatedMs: o.simulatedMs,
      convergedAfterMs: o.convergedAfterMs,
      convergenceBoundMs: o.convergenceBoundMs,
      adminChecked: o.adminChecked,
      replay: o.replay,
      report: o.ok ? '' : formatFailure(o),
    };
  });
}

export interface Summary {
  readonly seeds: number;
  readonly jobs: number;
  readonly wallMs: number;
  readonly seedsPerSecond: number;
  readonly stepsPerSecond: number;
  readonly simulatedMs: number;
  readonly convergedSeeds: number;
  readonly worstConvergenceRatio: number;
  readonly adminChecked: number;
  readonly failed: readonly WorkerResult[];
  readonly byCode: Readonly<Record<string, number>>;
}

export function summarize(results: readonly WorkerResult[], wallMs: number, jobs: number): Summary {
  const sorted = [...results].sort((a, b) => a.seed - b.seed);
  const failed = sorted.filter((r) => !r.ok);
  const byCode: Record<string, number> = {};
  for (const r of failed) byCode[r.violation?.code ?? '?'] = (byCode[r.violation?.code ?? '?'] ?? 0) + 1;
  const steps = results.reduce((n, r) => n + r.steps, 0);
  const converged = results.filter((r) => r.convergedAfterMs !== null);
  return {
    seeds: results.length,
    jobs,
    wallMs,
    seedsPerSecond: (results.length * 1000) / wallMs,
    stepsPerSecond: (steps * 1000) / wallMs,
    simulatedMs: results.reduce((n, r) => n + r.simulatedMs, 0),
    convergedSeeds: converged.length,
    worstConvergenceRatio: converged.reduce((m, r) => Math.max(m, (r.convergedAfterMs ?? 0) / r.convergenceBoundMs), 0),
    adminChecked: results.filter((r) => r.adminChecked).length,
    failed,
    byCode,
  };
}
