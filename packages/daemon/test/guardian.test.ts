// The guardian with real hbd processes on loopback (no root needed): a kill -9 of hbd alone stops
// the service and the Dummy resource at once, well before the peer takes over after deadtime; a
// dead guardian is noticed and replaced; a clean SIGTERM leaves the guardian nothing to do.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readlinkSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatusDocument } from '@hbd/ipc';
import { connectDaemon } from '../../cli/src/daemon-client';
import { REPO_ROOT, createLoopbackCluster, probeService, type LoopbackCluster, type LoopbackNode } from '../src/demo/loopback-cluster';
import { GUARDIAN_PID_FILE, GUARDIAN_STATE_FILE, waitForPreviousGuardian } from '../src/guardian/guardian-link';
import { decodeToGuardian, encodeMessage, type GuardianSettings } from '../src/guardian/protocol';
import { buildDaemon } from './build';
import { eventually } from './cluster-harness';
import { freeUdpAndTcpPorts } from './free-port';
import { memoryLog } from './memory-log';

let httpPort = 0;
let cluster: LoopbackCluster;

async function status(node: LoopbackNode): Promise<StatusDocument> {
  const client = await connectDaemon({ socketPath: node.socketPath, client: 'guardian.test', connectTimeoutMs: 2000 });
  try {
    return await client.call('status', {}, 5000);
  } finally {
    client.close();
  }
}

function guardianPid(node: LoopbackNode): number | null {
  try {
    return Number(readFileSync(join(node.runDir, GUARDIAN_PID_FILE), 'utf8').trim());
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \([^)]*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Session id of a process (field 6 of /proc/PID/stat). */
function sessionOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

const serviceOn = async (name: string): Promise<boolean> => (await probeService(httpPort, 300)) === `served by ${name}\n`;

beforeAll(async () => {
  buildDaemon();
  const ports = await freeUdpAndTcpPorts();
  httpPort = ports.tcp;
  cluster = createLoopbackCluster({
    names: ['alpha', 'beta'],
    udpPort: ports.udp,
    haresources: [`alpha demohttp::${httpPort} Dummy::app`],
    // Two members × 0.9 s < deadtime 2 s: no timing warning.
    haCfExtra: ['stop_timeout 900ms'],
  });
}, 120_000);

afterAll(async () => {
  await cluster?.cleanup();
}, 60_000);

describe('the guardian (real hbd processes on loopback)', () => {
  test('each hbd starts a guardian in its own session; no timing warning when stops fit in deadtime', async () => {
    const alpha = cluster.node('alpha');
    alpha.start();
    cluster.node('beta').start();
    await eventually('the service on alpha', () => serviceOn('alpha'), 20_000);
    await eventually('Dummy::app on alpha', () => alpha.dummyRunning('app'), 10_000);
    const pid = await eventually('the guardian pid file', () => guardianPid(alpha), 5000);
    expect(alive(pid)).toBe(true);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('hbd-guardian');
    // While hbd lives the guardian is a small sh sentinel, not a Node.js process.
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('hbd-guardian');
    expect(readlinkSync(`/proc/${pid}/exe`)).not.toBe(realpathSync(process.execPath));
    const rssKiB = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    expect(rssKiB).toBeLessThan(4096);
    // What it needs when hbd is gone is in the state file: settings and the groups held.
    const state = readFileSync(join(alpha.runDir, GUARDIAN_STATE_FILE), 'utf8').trim().split('\n').map((line) => decodeToGuardian(line));
    expect(state[0]).toMatchObject({ t: 'init', settings: { node: 'alpha', hbdPid: alpha.process!.pid } });
    expect(state).toContainEqual({ t: 'held', groups: [`demohttp::${httpPort}`] });
    expect(sessionOf(pid)).not.toBe(sessionOf(alpha.process!.pid!)); // a signal to hbd's group does not reach it
    await eventually('the start line', () => /info: guardian started \(pid \d+\)/.test(alpha.log()));
    expect(alpha.log()).not.toMatch(/its guardian may need up to/);
  }, 40_000);

  test('kill -9 of hbd alone: its guardian stops the group at once; beta takes over after deadtime', async () => {
    const alpha = cluster.node('alpha');
    const guardian = guardianPid(alpha)!;
    const killedAt = Date.now();
    alpha.process!.kill('SIGKILL');
    await eventually('alpha\'s service and Dummy stopped', async () => !alpha.dummyRunning('app') && (await probeService(httpPort, 200)) === null, 5000);
    const stoppedAfterMs = Date.now() - killedAt;
    await eventually('the service on beta', () => serviceOn('beta'), 15_000);
    const takeoverAfterMs = Date.now() - killedAt;
    expect(stoppedAfterMs).toBeLessThan(1500); // well before deadtime (2 s)
    expect(takeoverAfterMs).toBeGreaterThan(1500); // beta waited for deadtime
    expect(takeoverAfterMs).toBeGreaterThan(stoppedAfterMs);
    await eventually('the guardian exited', () => !alive(guardian), 5000);
    expect(existsSync(join(alpha.runDir, GUARDIAN_PID_FILE))).toBe(false);
    const log = alpha.log();
    expect(log).toMatch(new RegExp(`hbd: \\[${guardian}\\]: CRIT: guardian: hbd \\(pid ${alpha.process!.pid}\\) is gone without a clean shutdown; stopping what it held here right to left`));
    expect(log.indexOf('guardian: Dummy::app stop: ok')).toBeLessThan(log.indexOf(`guardian: demohttp::${httpPort} stop: ok`));
    expect(log).toMatch(/notice: guardian: everything hbd held is stopped, [\d.]+ s after hbd was found gone \([\d.]+ s before deadtime\); guardian exits/);
    expect(log).toMatch(new RegExp(`hbd: \\[${guardian}\\]: info: guardian: hbd's end of the pipe closed without a clean shutdown; Node.js started in \\d+ ms`));
    expect(existsSync(join(alpha.runDir, GUARDIAN_STATE_FILE))).toBe(false); // done with
  }, 40_000);

  test('alpha comes back: nothing was left running, so the start-up probe finds nothing; the group fails back', async () => {
    const alpha = cluster.node('alpha');
    alpha.start();
    await eventually('failback to alpha', () => serviceOn('alpha'), 20_000);
    expect(alpha.log()).not.toMatch(/found (partly )?running when hbd started/);
    await eventually('a new guardian', () => {
      const pid = guardianPid(alpha);
      return pid !== null && alive(pid) ? pid : null;
    });
  }, 40_000);

  test('a guardian that dies is reported (CRIT) and replaced; the replacement does the job', async () => {
    const alpha = cluster.node('alpha');
    const first = guardianPid(alpha)!;
    process.kill(first, 'SIGKILL');
    const second = await eventually('a replacement guardian', () => {
      const pid = guardianPid(alpha);
      return pid !== null && pid !== first && alive(pid) ? pid : null;
    }, 5000);
    await eventually('the CRIT line', () => new RegExp(`CRIT: guardian \\(pid ${first}\\) exited \\(SIGKILL\\): if hbd died now, its resources would keep running`).test(alpha.log()));
    // SIGTERM is for hbd: the guardian (an idle sh sentinel: it has no log) ignores it silently.
    process.kill(second, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alive(second)).toBe(true);
    expect(alpha.log()).not.toMatch(new RegExp(`guardian \\(pid ${second}\\) exited`));
    await eventually('alpha holds the group', async () => (await status(alpha)).groups[0]?.localState === 'started');
    alpha.process!.kill('SIGKILL');
    await eventually('the replacement stopped the group', async () => !alpha.dummyRunning('app') && (await probeService(httpPort, 200)) === null, 5000);
    await eventually('beta serves', () => serviceOn('beta'), 15_000);
    await eventually('the replacement exited', () => !alive(second), 5000);
  }, 40_000);

  test('clean SIGTERM: the peer takes over at once and the guardian leaves quietly', async () => {
    const alpha = cluster.node('alpha');
    const beta = cluster.node('beta');
    alpha.start();
    await eventually('failback to alpha', () => serviceOn('alpha'), 20_000);
    const guardian = await eventually('alpha\'s guardian', () => guardianPid(alpha), 5000);
    const linesBefore = alpha.log().split('\n').length;
    expect(await alpha.signal('SIGTERM')).toBe(0);
    await eventually('beta serves', () => serviceOn('beta'), 5000);
    await eventually('the guardian exited', () => !alive(guardian), 5000);
    const after = alpha.log().split('\n').slice(linesBefore - 1).join('\n');
    expect(after).not.toMatch(/guardian: hbd \(pid \d+\) is gone/);
    expect(after).not.toMatch(new RegExp(`\\[${guardian}\\]`)); // not a word from the guardian
    expect(existsSync(join(alpha.runDir, GUARDIAN_PID_FILE))).toBe(false);
    expect(existsSync(join(alpha.runDir, GUARDIAN_STATE_FILE))).toBe(false); // the goodbye
    await eventually('beta holds the group', async () => (await status(beta)).groups[0]?.localState === 'started');
  }, 40_000);
});

describe('waitForPreviousGuardian', () => {
  test('waits for a live guardian named in the pid file, and only for a guardian', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'hbd-guardian-wait-'));
    const log = memoryLog();
    const stand = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 700)', 'hbd-guardian-stand-in'], { stdio: 'ignore' });
    const other = spawn('sleep', ['10'], { stdio: 'ignore' });
    try {
      writeFileSync(join(runDir, GUARDIAN_PID_FILE), `${stand.pid}\n`);
      const startedAt = Date.now();
      await waitForPreviousGuardian(runDir, 10_000, log);
      expect(Date.now() - startedAt).toBeGreaterThan(400);
      expect(log.find(/notice: the guardian of a previous hbd \(pid \d+\) is still running/)).toBeDefined();
      expect(log.find(/info: the previous guardian \(pid \d+\) finished after/)).toBeDefined();
      // A pid that is not a guardian (reused by another program) is not waited for.
      writeFileSync(join(runDir, GUARDIAN_PID_FILE), `${other.pid}\n`);
      const again = Date.now();
      await waitForPreviousGuardian(runDir, 10_000, log);
      expect(Date.now() - again).toBeLessThan(200);
    } finally {
      stand.kill('SIGKILL');
      other.kill('SIGKILL');
      rmSync(runDir, { recursive: true, force: true });
    }
  }, 20_000);
});

describe('dist/guardian/main.js, what the sentinel execs once hbd is gone', () => {
  const MAIN = join(REPO_ROOT, 'packages/daemon/dist/guardian/main.js');
  let dir = '';

  const settings = (hbdPid: number): GuardianSettings => ({
    node: 'alpha',
    hbdPid,
    logging: { debugLevel: 0, logfile: join(dir, 'ha-log') },
    stderr: false,
    underSystemd: false,
    groups: [],
    stopTimeoutMs: 500,
    statusTimeoutMs: 300,
    stopRetriesMax: 0,
    stopRetryDelayMs: 100,
    deadtimeMs: 2000,
    agentEnv: {},
  });
  const stateFile = (): string => join(dir, GUARDIAN_STATE_FILE);
  const writeState = (hbdPid: number, held: string[]): void =>
    writeFileSync(stateFile(), encodeMessage({ t: 'init', settings: settings(hbdPid) }) + encodeMessage({ t: 'held', groups: held }));
  const logText = (): string => (existsSync(join(dir, 'ha-log')) ? readFileSync(join(dir, 'ha-log'), 'utf8') : '');
  const uptime = (): string => readFileSync('/proc/uptime', 'utf8').split(' ')[0]!;
  const runMain = (spawnedBy: number, extra: string[] = [], stdio: (number | 'ignore' | 'pipe')[] = ['ignore', 'pipe', 'pipe']) =>
    spawnSync(process.execPath, [MAIN, '--hbd-gone', stateFile(), '--hbd-pid', String(spawnedBy), '--pid-file', join(dir, GUARDIAN_PID_FILE), '--gone-at', uptime(), ...extra], { encoding: 'utf8', stdio, timeout: 20_000 });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hbd-guardian-main-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('nothing held: says so, with the time Node.js took to start, and removes the state file', () => {
    writeState(4242, []);
    const result = runMain(4242);
    expect(result.status).toBe(0);
    expect(logText()).toMatch(/info: guardian: hbd's end of the pipe closed without a clean shutdown; Node.js started in \d+ ms/);
    expect(logText()).toMatch(/notice: guardian: hbd \(pid 4242\) is gone without a clean shutdown; it held no resource group here, nothing to stop/);
    expect(existsSync(stateFile())).toBe(false);
  }, 30_000);

  test('a state file rewritten by a newer hbd (another pid) is not acted on', () => {
    writeFileSync(join(dir, 'ha-log'), '');
    writeState(5555, ['Dummy::x']);
    const result = runMain(4242);
    expect(result.status).toBe(0);
    expect(logText()).toMatch(/WARN: guardian: .* is now of hbd pid 5555, not of hbd pid 4242 that started this guardian: touching nothing/);
    expect(logText()).not.toMatch(/is gone without a clean shutdown/);
    expect(existsSync(stateFile())).toBe(true); // the newer hbd's
  }, 30_000);

  test('no state file (removed since the sentinel looked: a clean shutdown): exits 0 without a word', () => {
    writeFileSync(join(dir, 'ha-log'), '');
    rmSync(stateFile(), { force: true });
    const result = runMain(4242);
    expect(result.status).toBe(0);
    expect(logText()).toBe('');
    expect(result.stderr).toBe('');
  }, 30_000);

  test('read through the descriptor the sentinel opened, even when the file is gone by then', () => {
    writeFileSync(join(dir, 'ha-log'), '');
    writeState(4242, ['Dummy::unknown']);
    const fd = openSync(stateFile(), 'r');
    try {
      unlinkSync(stateFile());
      const result = runMain(4242, ['--state-fd', '3'], ['ignore', 'pipe', 'pipe', fd]);
      // It knew what was held: a group it cannot stop (not in the configuration) is CRIT, exit 1.
      expect(logText()).toMatch(/CRIT: guardian: hbd held group Dummy::unknown, which is not in the configuration it sent: cannot stop it/);
      expect(result.status).toBe(1);
    } finally {
      closeSync(fd);
    }
  }, 30_000);
});
