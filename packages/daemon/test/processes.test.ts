// Real `hbd` processes on loopback (no root needed): start-up refusal, kill -9 of a node,
// restart with leftovers, SIGSTOP longer than deadtime, SIGHUP reload, clean SIGTERM. Observed
// through the control socket, the log files, and a tiny HTTP service that only one node can
// hold at a time.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatusDocument } from '@hbd/ipc';
import { connectDaemon } from '../../cli/src/daemon-client';
import { eventually } from './cluster-harness';
import { HBD_BIN, createLoopbackCluster, probeService, type LoopbackCluster, type LoopbackNode } from '../src/demo/loopback-cluster';
import { GUARDIAN_PID_FILE } from '../src/guardian/guardian-link';
import { buildDaemon } from './build';
import { freeUdpAndTcpPorts } from './free-port';

let udpPort = 0;
let httpPort = 0;
let cluster: LoopbackCluster;

async function status(node: LoopbackNode): Promise<StatusDocument> {
  const client = await connectDaemon({ socketPath: node.socketPath, client: 'processes.test', connectTimeoutMs: 2000 });
  try {
    return await client.call('status', {}, 5000);
  } finally {
    client.close();
  }
}

async function holder(node: LoopbackNode): Promise<string | null> {
  try {
    return (await status(node)).groups.find((group) => group.id === `demohttp::${httpPort}`)?.owner ?? null;
  } catch {
    return null;
  }
}

/** Power loss of a loopback "node": the daemon, its guardian and the services it started die at once. */
function powerLoss(node: LoopbackNode): void {
  // The guardian first: otherwise it would stop the services, as it does when hbd alone dies.
  try {
    process.kill(Number(readFileSync(join(node.runDir, GUARDIAN_PID_FILE), 'utf8')), 'SIGKILL');
  } catch {
    // no guardian
  }
  node.process?.kill('SIGKILL');
  const pidFile = join(node.resourceDir, `demohttp-${httpPort}.pid`);
  if (existsSync(pidFile)) {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

beforeAll(async () => {
  buildDaemon();
  ({ udp: udpPort, tcp: httpPort } = await freeUdpAndTcpPorts());
  cluster = createLoopbackCluster({ names: ['alpha', 'beta'], udpPort, haresources: [`alpha demohttp::${httpPort} Dummy::app`] });
}, 120_000);

afterAll(async () => {
  await cluster?.cleanup();
}, 60_000);

describe('hbd processes on loopback', () => {
  test('refuses to start on configuration errors, with the diagnostics of hbctl config check (exit 78)', () => {
    const dir = join(cluster.root, 'broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ha.cf'), 'deadtme 10\nnode alpha\nnode beta\nucast lo 127.0.0.3\n');
    writeFileSync(join(dir, 'haresources'), 'alpha Dummy::x\n');
    writeFileSync(join(dir, 'authkeys'), 'auth 1\n1 sha1 x\n', { mode: 0o644 });
    const result = spawnSync(process.execPath, [HBD_BIN, '--foreground', '--config-dir', dir, '--node', 'alpha', '--run-dir', join(dir, 'run'), '--state-dir', join(dir, 'state')], { encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/ha\.cf:1:1: error HB_CFG_UNKNOWN_DIRECTIVE: .*deadtme/);
    expect(result.stderr).toMatch(/authkeys.*error/);
    expect(result.stderr).toMatch(/hbd: refusing to start: \d+ error\(s\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(dir, 'run', 'hbd.sock'))).toBe(false);
  });

  test('two nodes come up; the service answers from alpha only', async () => {
    cluster.node('alpha').start();
    cluster.node('beta').start();
    await eventually('the service on alpha', async () => (await probeService(httpPort)) === 'served by alpha\n', 20_000);
    await eventually('beta sees alpha as the owner', async () => (await holder(cluster.node('beta'))) === 'alpha', 10_000);
    await eventually('Dummy::app on alpha', async () => (await status(cluster.node('alpha'))).groups[0]?.localState === 'started', 10_000);
    expect(cluster.node('alpha').dummyRunning('app')).toBe(true);
    expect(cluster.node('beta').dummyRunning('app')).toBe(false);
    expect(existsSync(join(cluster.node('beta').resourceDir, `demohttp-${httpPort}.pid`))).toBe(false);
  }, 30_000);

  test('alpha loses power: beta serves after about deadtime', async () => {
    const lostAt = Date.now();
    powerLoss(cluster.node('alpha'));
    await eventually('the service on beta', async () => (await probeService(httpPort)) === 'served by beta\n', 15_000);
    const tookMs = Date.now() - lostAt;
    expect(tookMs).toBeGreaterThan(1500); // deadtime 2 s: not before
    expect(tookMs).toBeLessThan(6000);
    const beta = await eventually('the takeover done', async () => {
      const doc = await status(cluster.node('beta'));
      return doc.lastFailover?.outcome === 'done' ? doc : null;
    });
    expect(beta.nodes.find((node) => node.name === 'alpha')?.status).toBe('dead');
    expect(beta.lastFailover).toMatchObject({ direction: 'takeover', from: 'alpha', outcome: 'done' });
    await eventually('the death in beta\'s log', () => /WARN: node alpha is dead: nothing heard for 2(\.\d+)? s \(warntime 1 s, deadtime 2 s\)/.test(cluster.node('beta').log()));
  }, 30_000);

  test('alpha comes back: its stale socket is reclaimed, its leftovers stopped, generation bumped, group failed back', async () => {
    const alpha = cluster.node('alpha');
    expect(existsSync(alpha.socketPath)).toBe(true); // left by the kill
    expect(alpha.dummyRunning('app')).toBe(true); // the state file survived the "power loss"
    alpha.start();
    await eventually('alpha answers', async () => (await status(alpha)).generation === 2, 15_000);
    // log files are written asynchronously: wait for the lines rather than read once
    await eventually('the stale socket note', () => /removed stale control socket .* left by pid \d+/.test(alpha.log()));
    await eventually('the start-up probe found the leftover', () =>
      /CRIT: group demohttp::\d+ \(demohttp::\d+ Dummy::app\) found partly running when hbd started \(Dummy::app\): stopping it right to left/.test(alpha.log()),
    );
    expect(readFileSync(join(alpha.stateDir, 'generation'), 'utf8')).toBe('2\n');
    await eventually('failback to alpha', async () => (await probeService(httpPort)) === 'served by alpha\n', 20_000);
    expect(cluster.node('beta').dummyRunning('app')).toBe(false);
  }, 40_000);

  test('SIGHUP: an invalid configuration is refused and hbd keeps running; a valid one is applied', async () => {
    const alpha = cluster.node('alpha');
    cluster.writeHaCf('alpha', `${cluster.haCfText()}bogus_directive yes\n`);
    await alpha.signal('SIGHUP');
    await eventually('the refusal in the log', () => /configuration reload refused/.test(alpha.log()), 5000);
    await eventually('the diagnostic in the log', () => /ERROR: {3}ha\.cf:\d+:1: error HB_CFG_UNKNOWN_DIRECTIVE/.test(alpha.log()));
    expect((await status(alpha)).localStatus).toBe('active');
    cluster.writeHaCf('alpha', `${cluster.haCfText()}debug 1\n`);
    await alpha.signal('SIGHUP');
    await eventually('the reload in the log', () => /notice: configuration reloaded/.test(alpha.log()), 5000);
  }, 20_000);

  test('SIGHUP after haresources gained a group: each node restarts in place, the running group never stops, the new group starts', async () => {
    const alpha = cluster.node('alpha');
    const beta = cluster.node('beta');
    await eventually('alpha serving', async () => (await probeService(httpPort)) === 'served by alpha\n', 20_000);
    const before = await status(alpha);
    const markA = alpha.log().length;
    // The service is probed every 100 ms for the whole reload: it must answer, from alpha, every time.
    let probing = true;
    const answers: string[] = [];
    const probe = (async () => {
      for (let i = 0; probing && i < 600; i++) {
        answers.push((await probeService(httpPort)) ?? 'no answer');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    try {
      for (const node of [alpha, beta]) writeFileSync(join(node.configDir, 'haresources'), `alpha demohttp::${httpPort} Dummy::app\nbeta Dummy::extra\n`);
      await alpha.signal('SIGHUP');
      await eventually('alpha restarted in place', async () => ((await status(alpha).catch(() => null))?.generation ?? 0) > before.generation && /restarting hbd in place/.test(alpha.log()), 15_000);
      await eventually('alpha active again, still holding its group', async () => {
        const doc = await status(alpha).catch(() => null);
        return doc?.localStatus === 'active' && doc.groups.find((group) => group.id === `demohttp::${httpPort}`)?.localState === 'started';
      }, 15_000);
      await beta.signal('SIGHUP');
      await eventually('Dummy::extra on beta', () => beta.dummyRunning('extra'), 20_000);
      await eventually('both agree', async () => {
        const [a, b] = [await status(alpha), await status(beta)];
        return [a, b].every((doc) => doc.groups.length === 2 && doc.groups.find((group) => group.id === 'Dummy::extra')?.owner === 'beta' && doc.groups.find((group) => group.id === `demohttp::${httpPort}`)?.owner === 'alpha');
      }, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // and a while after: nothing moves later
    } finally {
      probing = false;
      await probe;
    }
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((answer) => answer !== 'served by alpha\n')).toEqual([]);
    const logA = alpha.log().slice(markA);
    expect(logA).toMatch(/configuration reloaded: cluster-wide settings \(nodes, timers, groups or auth method\) changed; restarting hbd in place \(generation \d+ → \d+\) keeping the resources running \(demohttp::\d+: adopted again by the start-up probe\)/);
    expect(logA).toMatch(/group demohttp::\d+ .*found running/);
    expect(logA).not.toMatch(/demohttp::\d+ stop \(/);
    expect(logA).not.toMatch(/Dummy::app stop \(/);
    expect(alpha.dummyRunning('extra')).toBe(false);
  }, 60_000);

  test('SIGHUP dropping a group this node holds is refused (the new engine could not stop it); hbd keeps running as before', async () => {
    const alpha = cluster.node('alpha');
    const markA = alpha.log().length;
    const generation = (await status(alpha)).generation;
    writeFileSync(join(alpha.configDir, 'haresources'), 'beta Dummy::extra\n');
    await alpha.signal('SIGHUP');
    await eventually('the refusal', () => /configuration reload refused: haresources no longer lists demohttp::\d+ \(started\), held here/.test(alpha.log().slice(markA)), 5000);
    const doc = await status(alpha);
    expect(doc.generation).toBe(generation);
    expect(doc.groups.find((group) => group.id === `demohttp::${httpPort}`)?.localState).toBe('started');
    writeFileSync(join(alpha.configDir, 'haresources'), `alpha demohttp::${httpPort} Dummy::app\nbeta Dummy::extra\n`);
  }, 20_000);

  test('SIGSTOP of the active node beyond deadtime, then SIGCONT: the stall is seen and one node ends up with the group', async () => {
    // A Dummy-only check: demohttp would keep the port on the stopped node, as a VIP would.
    const alpha = cluster.node('alpha');
    const beta = cluster.node('beta');
    await alpha.signal('SIGSTOP');
    await eventually('beta takes Dummy::app', () => beta.dummyRunning('app'), 15_000);
    await alpha.signal('SIGCONT');
    await eventually('alpha reports its stall', () => /itself stalled for \d/.test(alpha.log()), 10_000);
    await eventually(
      'one holder',
      async () => {
        const [a, b] = [await status(alpha), await status(beta)];
        const holders = [a, b].filter((doc) => doc.groups[0]?.localState === 'started').map((doc) => doc.localNode);
        return holders.length === 1 && a.groups[0]?.owner === holders[0] && b.groups[0]?.owner === holders[0] ? holders : null;
      },
      30_000,
    );
    expect(alpha.dummyRunning('app') !== beta.dummyRunning('app')).toBe(true);
    expect((await status(alpha)).eventLoop.stalls).toBeGreaterThanOrEqual(1);
  }, 60_000);

  test('SIGTERM: groups stopped right to left, the peer takes over at once, the run dir is cleaned', async () => {
    await eventually('settled', async () => (await holder(cluster.node('beta'))) !== null, 20_000);
    const owner = (await holder(cluster.node('beta')))!;
    const leaving = cluster.node(owner);
    const other = cluster.nodes.find((node) => node !== leaving)!;
    const started = Date.now();
    expect(await leaving.signal('SIGTERM')).toBe(0);
    await eventually(`the service on ${other.name}`, async () => (await probeService(httpPort)) === `served by ${other.name}\n`, 10_000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(existsSync(leaving.socketPath)).toBe(false);
    expect(existsSync(join(leaving.runDir, 'hbd.pid'))).toBe(false);
    const log = leaving.log(); // complete: the process has exited
    expect(log.lastIndexOf('Dummy::app stop (')).toBeLessThan(log.lastIndexOf(`demohttp::${httpPort} stop (`));
    expect(log).toMatch(/shutdown complete/);
    rmSync(join(cluster.root, 'broken'), { recursive: true, force: true });
  }, 30_000);
});
