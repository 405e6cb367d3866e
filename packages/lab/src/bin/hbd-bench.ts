// `pnpm bench`: hbd, Heartbeat 3.0.6 and keepalived one after the other in the same lab; prints
// the table and writes bench-results/bench-<time>.json. Needs root. Ctrl-C tears the current lab
// down (processes by PID, namespaces, mounts, temp dirs) and still writes what was measured.

import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release } from 'node:os';
import { join } from 'node:path';
import { adapterFor, type ManagerKind } from '../adapters';
import { BenchContext, BenchInterrupted } from '../bench/context';
import { runFailoverBench } from '../bench/failover-bench';
import { runFalseDeathBench } from '../bench/false-deaths-bench';
import { runIdleBench } from '../bench/idle-bench';
import { BenchUsageError, parseBenchOptions, USAGE, type BenchOptions } from '../bench/options';
import { formatReport } from '../bench/report';
import { BENCH_RESULTS_VERSION, type BenchResults, type ManagerInfo } from '../bench/results';
import { runScaleBench } from '../bench/scale-bench';
import { BENCH_RESULTS_DIR } from '../paths';
import { resolveScenario } from '../scenario';

const EXIT_USAGE = 64;
const EXIT_NOPERM = 77;
const EXIT_INTERRUPTED = 130;

async function probeManagers(options: BenchOptions): Promise<ManagerInfo[]> {
  const infos: ManagerInfo[] = [];
  for (const kind of options.managers) {
    const adapter = adapterFor(kind);
    const probe = await adapter.probe();
    const scenario = resolveScenario({ nodes: ['nodea', 'nodeb'], timers: options.timers }, process.pid);
    infos.push({ kind, title: adapter.title, available: probe.ok, version: probe.version, reason: probe.reason, notes: adapter.notes(scenario) });
  }
  return infos;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    const parsed = parseBenchOptions(argv);
    if (parsed === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    options = parsed;
  } catch (err) {
    if (err instanceof BenchUsageError) {
      process.stderr.write(`hbd-bench: ${err.message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    throw err;
  }
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    process.stderr.write('hbd-bench: needs root (it builds network namespaces, mounts and firewall rules inside them)\n');
    return EXIT_NOPERM;
  }
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const outDir = options.outDir ?? BENCH_RESULTS_DIR;
  const runDir = join(outDir, `bench-${stamp}`);
  await mkdir(runDir, { recursive: true });
  const ctx = new BenchContext(options, runDir, (line) => process.stderr.write(`${line}\n`));
  const managers = await probeManagers(options);
  const results: BenchResults = {
    version: BENCH_RESULTS_VERSION,
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    host: { kernel: release(), cpus: cpus().length, node: process.version, loadAvgAtStart: loadavg(), loadAvgAtEnd: [] },
    options,
    managers,
    failover: {},
    falseDeaths: {},
    idle: {},
    scale: [],
    interrupted: false,
  };
  for (const m of managers) ctx.log(m.available ? `${m.title} ${m.version}: ready` : `${m.title}: skipped — ${m.reason}`);
  const runnable: ManagerKind[] = managers.filter((m) => m.available).map((m) => m.kind);

  const finish = async (): Promise<string> => {
    await ctx.idle();
    results.finishedAt = new Date().toISOString();
    results.host.loadAvgAtEnd = loadavg();
    const file = join(runDir, 'results.json');
    await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
    const report = formatReport(results);
    await writeFile(join(runDir, 'table.txt'), report);
    process.stdout.write(`\n${report}\nResults: ${file}\n`);
    return file;
  };

  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts += 1;
    if (interrupts > 1) {
      process.stderr.write(`hbd-bench: second ${signal}: exiting without waiting for the cleanup\n`);
      process.exit(EXIT_INTERRUPTED);
    }
    process.stderr.write(`\nhbd-bench: ${signal}: stopping, cleaning up the lab (again to exit at once)\n`);
    results.interrupted = true;
    void ctx.interrupt();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    if (options.sections.includes('failover')) {
      for (const kind of runnable) {
        ctx.checkInterrupted();
        ctx.log(`${kind}: failover, failback, standby, takeover (${options.runs} runs × ${options.faults.join(', ')})`);
        results.failover[kind] = await runFailoverBench(ctx, kind);
      }
    }
    if (options.sections.includes('false-deaths')) {
      for (const kind of runnable) {
        ctx.checkInterrupted();
        results.falseDeaths[kind] = await runFalseDeathBench(ctx, kind);
      }
    }
    if (options.sections.includes('idle')) {
      for (const kind of runnable) {
        ctx.checkInterrupted();
        results.idle[kind] = await runIdleBench(ctx, kind);
      }
    }
    if (options.sections.includes('scale')) {
      if (runnable.includes('hbd')) {
        for (const count of options.scaleNodes) {
          ctx.checkInterrupted();
          results.scale.push(await runScaleBench(ctx, count));
        }
      } else ctx.log('scale: hbd is not available, skipped');
    }
    ctx.checkInterrupted();
  } catch (err) {
    if (!(err instanceof BenchInterrupted)) {
      process.stderr.write(`hbd-bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      await ctx.interrupt();
      await finish();
      return 1;
    }
  }
  await finish();
  return results.interrupted ? EXIT_INTERRUPTED : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`hbd-bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
