// The README's demo, without root: two hbd processes on loopback (alpha 127.0.0.2, beta
// 127.0.0.3) run one group, a tiny HTTP service on 127.0.0.10 plus a Dummy resource. The demo
// shows `hbctl status`, kills alpha's hbd with kill -9 (its guardian stops the service at once),
// measures how long until beta serves, brings alpha back, measures the failback, and cleans up
// (also on Ctrl-C). Every step prints what it does and what it measured.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createLoopbackCluster, probeService, REPO_ROOT, SERVICE_ADDRESS, type LoopbackCluster, type LoopbackNode } from './loopback-cluster';

export interface LoopbackDemoOptions {
  /** Where the demo prints (default: stdout). */
  readonly out?: (line: string) => void;
  readonly udpPort?: number;
  readonly httpPort?: number;
  /** argv that prints a node's status, given its run dir appended as `--run-dir DIR` (default: hbctl status). */
  readonly statusCommand?: readonly string[];
  /** Parent directory of the demo's files (default: os.tmpdir()). */
  readonly baseDir?: string;
}

const DEADTIME = '2';

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs: number): Promise<{ value: T; afterMs: number }> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const value = await probe();
    if (value !== null) return { value, afterMs: Date.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up after ${timeoutMs / 1000} s waiting for ${what}`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export async function runLoopbackDemo(options: LoopbackDemoOptions = {}): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const udpPort = options.udpPort ?? Number(process.env.HBD_DEMO_UDP_PORT ?? 17694);
  const httpPort = options.httpPort ?? Number(process.env.HBD_DEMO_HTTP_PORT ?? 18080);
  const statusCommand = options.statusCommand ?? [process.execPath, join(REPO_ROOT, 'packages/cli/bin/hbctl.js'), 'status'];
  const url = `http://${SERVICE_ADDRESS}:${httpPort}/`;

  if ((await probeService(httpPort, 500)) !== null) {
    out(`Something already answers on ${url}: stop it (or set HBD_DEMO_HTTP_PORT) and run the demo again.`);
    return 1;
  }

  let cluster: LoopbackCluster | null = null;
  const cleanup = async (): Promise<void> => {
    const current = cluster;
    cluster = null;
    if (current !== null) await current.cleanup();
  };
  const onInterrupt = (): void => {
    out('\nInterrupted: stopping the demo cluster…');
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);

  const showStatus = (node: LoopbackNode): void => {
    out(`\n$ hbctl status        # on ${node.name}`);
    const result = spawnSync(statusCommand[0]!, [...statusCommand.slice(1), '--run-dir', node.runDir], { encoding: 'utf8' });
    const text = `${result.stdout ?? ''}${result.status === 0 ? '' : (result.stderr ?? '')}`.trimEnd();
    out(text === '' ? `(hbctl status printed nothing, exit ${String(result.status)})` : text);
  };

  try {
    out('hbd loopback demo: a two-node cluster on this machine, no root needed.');
    out(`  alpha = 127.0.0.2, beta = 127.0.0.3 (heartbeats: ucast on lo, UDP port ${udpPort}, keepalive 0.2 s, deadtime ${DEADTIME} s)`);
    out(`  group (haresources): alpha demohttp::${httpPort} Dummy::app`);
    out(`  demohttp is a tiny HTTP service on ${url}; only one node can hold that address and port at a time.\n`);
    cluster = createLoopbackCluster({
      names: ['alpha', 'beta'],
      udpPort,
      deadtime: DEADTIME,
      haresources: [`alpha demohttp::${httpPort} Dummy::app`],
      ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
    });
    const alpha = cluster.node('alpha');
    const beta = cluster.node('beta');
    out(`Files (ha.cf, haresources, authkeys, logs) are in ${cluster.root}`);

    out('Starting hbd on alpha and beta…');
    alpha.start();
    beta.start();
    const first = await until('the service', async () => probeService(httpPort), 30_000);
    out(`GET ${url} -> ${first.value.trim()}   (${seconds(first.afterMs)} after start)`);
    await until('the group fully started', async () => (alpha.dummyRunning('app') ? true : null), 10_000);
    showStatus(alpha);

    out(`\nKilling alpha's hbd with kill -9, as a crash would (its service keeps running for now)…`);
    const killedAt = Date.now();
    alpha.process?.kill('SIGKILL');
    // hbd's guardian notices at once and stops what hbd held, so beta never serves alongside alpha.
    const released = await until('alpha\'s guardian to stop the service', async () => ((await probeService(httpPort, 300)) === null && !alpha.dummyRunning('app') ? true : null), 30_000);
    out(`GET ${url} -> nothing   (${seconds(released.afterMs)} after the kill: alpha's guardian stopped the group; see ${alpha.logFile})`);
    await until('beta to serve', async () => ((await probeService(httpPort, 300)) === 'served by beta\n' ? true : null), 30_000);
    out(`GET ${url} -> served by beta   (${seconds(Date.now() - killedAt)} after the kill; deadtime is ${DEADTIME} s)`);
    await until('the takeover finished', async () => (beta.dummyRunning('app') ? true : null), 10_000);
    showStatus(beta);

    out('\nBringing alpha back (auto_failback on: the group returns to its preferred node)…');
    const restartedAt = Date.now();
    alpha.start();
    await until('alpha to serve', async () => ((await probeService(httpPort, 300)) === 'served by alpha\n' ? true : null), 30_000);
    out(`GET ${url} -> served by alpha   (${seconds(Date.now() - restartedAt)} after alpha's hbd started)`);
    await until('the failback finished', async () => (alpha.dummyRunning('app') && !beta.dummyRunning('app') ? true : null), 10_000);
    showStatus(alpha);

    out('\nStopping the cluster (SIGTERM: each node stops its groups right to left and tells the other)…');
    await cleanup();
    out('Done. Everything the demo created has been removed.');
    return 0;
  } catch (error) {
    out(`\nThe demo failed: ${(error as Error).message}`);
    const current = cluster as LoopbackCluster | null;
    if (current !== null) for (const node of current.nodes) out(`--- ${node.name}'s log (last lines) ---\n${node.log().split('\n').slice(-15).join('\n')}`);
    await cleanup();
    return 1;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
