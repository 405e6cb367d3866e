// hbd-sim: run many seeds, or replay one.
//
//   pnpm sim --seeds 10000              random seeds, all cores
//   pnpm sim --seeds 1000 --from 1      seeds 1..1000 (the CI list uses --profile ci)
//   pnpm sim --seed 1234 --timeline     replay one seed and print its whole timeline
//
// Exit status: 0 when every seed held every invariant, 1 when one failed, 2 on a usage error.

import { randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { coreEngine } from '../engine-port';
import { plantedEngine, PLANTED_BUGS, type PlantedBug } from '../planted-bugs';
import { isValidSeed, SEED_MAX } from '../rng';
import { formatFailure, runSeed } from '../run-seed';
import { FAULT_KINDS, parseFaultsArgument, PROFILES, type FaultKind, type ProfileName } from '../swarm';
import { summarize, type Summary, type WorkerJob, type WorkerResult } from './sim-batch';

const USAGE = `usage: hbd-sim [--seeds N [--from S]] [--seed S] [options]

  --seeds N          run N seeds (random ones, or S..S+N-1 with --from S)
  --seed S           replay one seed (0..${SEED_MAX}); its timeline is printed when it fails
  --profile P        ${Object.keys(PROFILES).join(' | ')} (default full; the CI seed list uses ci)
  --timeline         print the whole timeline of --seed S even when it passes
  --trace            with --seed: also show every packet, operation and ping result each node receives
  --faults=LIST      adjust the fault mix: +kind enables, -kind disables (e.g. --faults=-pause,-flap)
                     kinds: ${FAULT_KINDS.join(' ')}
  --planted BUG      run a deliberately broken engine (test-only): ${PLANTED_BUGS.join(' | ')}
  --jobs J           worker threads (default: all cores)
  --json             one JSON object per seed on stdout instead of the summary
  -h, --help         this text`;

function fail(message: string): never {
  process.stderr.write(`hbd-sim: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parseFaults(list: string | undefined): { enable: FaultKind[]; disable: FaultKind[] } {
  try {
    const c = parseFaultsArgument(list);
    return { enable: [...(c.enable ?? [])], disable: [...(c.disable ?? [])] };
  } catch (err) {
    fail(`--faults: ${(err as Error).message}`);
  }
}

function parseSeed(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !isValidSeed(n)) fail(`${flag} must be an integer in 0..${SEED_MAX}, got "${text}"`);
  return n;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        seeds: { type: 'string' },
        seed: { type: 'string' },
        from: { type: 'string' },
        profile: { type: 'string' },
        timeline: { type: 'boolean' },
        trace: { type: 'boolean' },
        faults: { type: 'string' },
        planted: { type: 'string' },
        jobs: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const profile = (args.profile ?? 'full') as ProfileName;
  if (!(profile in PROFILES)) fail(`--profile must be one of ${Object.keys(PROFILES).join(', ')}`);
  const planted = args.planted as PlantedBug | undefined;
  if (planted !== undefined && !PLANTED_BUGS.includes(planted)) fail(`--planted must be one of ${PLANTED_BUGS.join(', ')}`);
  const faults = parseFaults(args.faults);
  if (coreEngine() === null) {
    process.stderr.write(
      'hbd-sim: HB_SIM_NO_ENGINE: the built @hbd/core (packages/core/dist) does not export createNode/step/describeNode.\n' +
        '  Build the simulator and everything it depends on:  pnpm --filter "@hbd/sim..." build\n',
    );
    return 2;
  }

  if (args.seed !== undefined) {
    if (args.seeds !== undefined) fail('use either --seed S (replay one) or --seeds N (run many)');
    const seed = parseSeed(args.seed, '--seed');
    const engine = planted === undefined ? undefined : plantedEngine(planted);
    const t0 = performance.now();
    const o = runSeed(seed, { profile, fullTimeline: true, faults, trace: args.trace === true, ...(engine === undefined ? {} : { engine }) });
    const ms = performance.now() - t0;
    if (args.json) {
      process.stdout.write(`${JSON.stringify(o)}\n`);
    } else if (!o.ok) {
      process.stdout.write(`${formatFailure({ ...o, timeline: '' }).split('\n  timeline')[0]}\n\n${o.timeline}`);
    } else {
      if (args.timeline) process.stdout.write(o.timeline);
      process.stdout.write(`seed ${seed} (${profile}) ok: ${(o.simulatedMs / 1000).toFixed(1)} s simulated, ${o.steps} steps, ${ms.toFixed(0)} ms\n  swarm: ${o.swarm}\n`);
    }
    return o.ok ? 0 : 1;
  }

  const count = args.seeds === undefined ? 100 : Number(args.seeds);
  if (!Number.isInteger(count) || count < 1) fail(`--seeds must be a positive integer, got "${args.seeds}"`);
  const from = args.from === undefined ? null : parseSeed(args.from, '--from');
  const seeds: number[] = [];
  for (let i = 0; i < count; i++) seeds.push(from === null ? randomInt(0, SEED_MAX) : (from + i) % (SEED_MAX + 1));
  const jobs = Math.max(1, Math.min(args.jobs === undefined ? availableParallelism() : Number(args.jobs), seeds.length));
  if (!Number.isInteger(jobs)) fail('--jobs must be a positive integer');

  const t0 = performance.now();
  const results = await runParallel(seeds, jobs, { profile, faults, planted, json: args.json === true });
  const summary = summarize(results, performance.now() - t0, jobs);
  if (!args.json) printSummary(summary, profile);
  return summary.failed.length === 0 ? 0 : 1;
}

function runParallel(seeds: number[], jobs: number, opts: Omit<WorkerJob, 'seeds'>): Promise<WorkerResult[]> {
  const results: WorkerResult[] = [];
  let next = 0;
  let lastReportMs = performance.now();
  const batch = Math.max(1, Math.min(50, Math.ceil(seeds.length / (jobs * 8))));
  return new Promise((resolve, reject) => {
    let running = jobs;
    for (let j = 0; j < jobs; j++) {
      const worker = new Worker(`${__dirname}/sim-worker.js`);
      const feed = () => {
        if (next >= seeds.length) {
          void worker.terminate();
          if (--running === 0) resolve(results);
          return;
        }
        const slice = seeds.slice(next, next + batch);
        next += slice.length;
        worker.postMessage({ ...opts, seeds: slice } satisfies WorkerJob);
      };
      worker.on('message', (out: WorkerResult[]) => {
        for (const r of out) {
          results.push(r);
          if (opts.json) process.stdout.write(`${JSON.stringify(r)}\n`);
          else if (!r.ok) process.stderr.write(`seed ${r.seed} FAILED (${r.violation?.code}): replay with ${r.replay[0]}\n`);
        }
        if (!opts.json && performance.now() - lastReportMs > 2000) {
          lastReportMs = performance.now();
          process.stderr.write(`  ${results.length}/${seeds.length} seeds\n`);
        }
        feed();
      });
      worker.on('error', reject);
      feed();
    }
  });
}

function printSummary(s: Summary, profile: ProfileName): void {
  const lines = [
    `${s.seeds} seeds (${profile}) in ${(s.wallMs / 1000).toFixed(1)} s on ${s.jobs} thread(s): ${s.seedsPerSecond.toFixed(1)} seeds/s, ${Math.round(s.stepsPerSecond)} steps/s`,
    `  simulated ${(s.simulatedMs / 3_600_000).toFixed(1)} h; L1 converged in ${s.convergedSeeds} seeds, slowest at ${(100 * s.worstConvergenceRatio).toFixed(0)}% of its bound; L2 checked in ${s.adminChecked}`,
    s.failed.length === 0
      ? '  no invariant violated'
      : `  ${s.failed.length} FAILED: ${Object.entries(s.byCode)
          .map(([c, n]) => `${c}×${n}`)
          .join(' ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (s.failed.length > 0) {
    process.stdout.write(`\nfailing seeds: ${s.failed.map((r) => r.seed).join(' ')}\n\nfirst failure:\n`);
    const first = s.failed[0]!;
    process.stdout.write(`${first.report}\n`);
  }
}

// `pnpm sim --seed S | head`: a closed pipe ends the output, not in a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`hbd-sim: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
