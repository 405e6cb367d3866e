// The cluster every scenario runs on: the lab's two hbd nodes (nodea preferred) and client
// namespace, one resource group that has everything a failover can get wrong —
//
//   nodea IPaddr2::VIP/24/eth0 Dummy::gate Filesystem::/dev/shm/hbdlab-disk::DIR::ext4 labcounter::8080::DIR
//
// (hbd's bundled IPaddr2 with its duplicate-address check, a Dummy with the lab's fault switches as
// the second member, the shared ext4 disk, the counter service writing to it) — and three
// invariant watchers that run for the whole file:
//
//   VIP      the lab's ARP probe (every 20 ms from the client): never two MACs in one round
//   storage  every node's mount table (every 25 ms): the shared disk never mounted on two nodes
//   data     the counter client (one GET every 100 ms to the VIP): values strictly increasing
//
// `useScenarioCluster` registers the jest hooks: the cluster is built once per file, the
// invariants are asserted after every scenario (over that scenario's time) and for the whole file
// at the end, where hbd is stopped cleanly and the image must pass e2fsck. When a scenario fails,
// or HBD_TEST_LOG_DIR is set, every node's files (configs, ha-log, hbd output, agent logs) and
// the watchers' accounts are kept (the lab's collectFiles).

import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  createClusterLab,
  haCf,
  hbdAdapter,
  monotonicMs,
  type ClusterLab,
  type ClusterNode,
  type ManagerAdapter,
  type NodeFile,
  type ResolvedScenario,
  type ScenarioTimers,
} from '../../src';
import type { CommandResult, RealTestGate } from '@hbd/testkit';
import { HBCTL_BIN, REPO_ROOT } from '../../src/paths';
import { counterRegressions, describeRegression, parseCounterLine, type CounterSample } from './counter-log';
import { counterServiceFiles } from './counter-service';
import { watchMounts, type MountWatch } from './mount-watch';
import { createSharedDisk, SHARED_DISK_LINK, type SharedDisk } from './shared-disk';

export const NODE_A = 'nodea';
export const NODE_B = 'nodeb';
export const COUNTER_PORT = 8080;
/** Mount point of the shared disk in every node (node-private directory, so nothing on the host). */
export const SHARED_DIR = '/var/lib/heartbeat/hbdlab-shared';
export const GATE_DUMMY = 'gate';

/**
 * Short timers for the fault scenarios (keepalive 250 ms, deadtime 2 s): a failover costs seconds.
 * deadping = deadtime, so a node that lost its ping node is judged as fast as a dead peer.
 */
export const SHORT_TIMERS: ScenarioTimers = { keepaliveMs: 250, warntimeMs: 1000, deadtimeMs: 2000, initdeadMs: 4000, deadpingMs: 2000 };

/** Heartbeat 3.0.6's defaults (reference §1.4): keepalive 1 s, deadtime 30 s, warntime deadtime/2, initdead = deadtime (> 10 s), deadping = deadtime. */
export const HEARTBEAT_DEFAULT_TIMERS: ScenarioTimers = { keepaliveMs: 1000, warntimeMs: 15_000, deadtimeMs: 30_000, initdeadMs: 30_000, deadpingMs: 30_000 };

/** hbd's agent timeouts and stop retries for the suite (ha.cf extensions). */
export interface AgentSettings {
  /** start_timeout: longer than IPaddr2's start (2 s duplicate check + 1 s ARP burst) on a loaded machine. */
  readonly startTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly stopRetries: number;
}

/**
 * start_timeout 10 s: IPaddr2 takes ~4 s (2 s duplicate-address check, 1 s ARP burst) on an idle
 * machine. stop_timeout 450 ms: hbd's guardian condition (members × stop_timeout < deadtime: 4 ×
 * 0.45 s < 2 s), which is what hbd asks for at start; a stop that times out under load is retried
 * (idempotent stops). stop_retries 2: an unclean verdict within ~3 s instead of Heartbeat's 10 s.
 */
export const DEFAULT_AGENT_SETTINGS: AgentSettings = { startTimeoutMs: 10_000, stopTimeoutMs: 450, stopRetries: 2 };

export interface ScenarioClusterOptions {
  /** Names the lab's files and the kept logs. */
  readonly label: string;
  readonly autoFailback?: 'on' | 'off';
  readonly timers?: ScenarioTimers;
  readonly agents?: AgentSettings;
  /**
   * Member order (default 'address-first', the suite's group). 'storage-first' puts the disk and the
   * service before the VIP, as many haresources lines do: no duplicate-address check guards them.
   */
  readonly groupOrder?: 'address-first' | 'storage-first';
}

/** The part of `hbctl status --json`'s document the scenarios read (StatusDocument, @hbd/ipc). */
export interface StatusLike {
  readonly localNode: string;
  readonly localStatus: string;
  readonly generation: number;
  readonly nodes: readonly { readonly name: string; readonly status: string; readonly pingReachable: number | null }[];
  readonly pingTargets: readonly { readonly name: string; readonly status: string }[];
  readonly quorum: { readonly reachable: number; readonly total: number; readonly hasQuorum: boolean };
  readonly groups: readonly {
    readonly id: string;
    readonly owner: string | null;
    readonly localState: string;
    readonly epoch: number;
    readonly members: readonly { readonly token: string; readonly state: string }[];
    readonly blockedBy: { readonly node: string; readonly why: string } | null;
    readonly refusal: string | null;
  }[];
  readonly packets: { readonly dropped: { readonly total: number; readonly byReason: Readonly<Record<string, number>> } };
  readonly eventLoop: { readonly stalls: number; readonly longestStallMs: number };
  readonly lastFailover: { readonly group: string; readonly direction: string; readonly from: string | null; readonly to: string | null; readonly reason: string; readonly outcome: string; readonly tookMs: number | null } | null;
}

/** `hbctl standby|takeover|cleanup --json`'s result (AdminResult, @hbd/ipc). */
export interface AdminOutcome {
  readonly exitCode: number | null;
  readonly completed: boolean;
  readonly ok: boolean;
  readonly message: string;
  readonly moved: readonly { readonly group: string; readonly from: string | null; readonly to: string }[];
  readonly tookMs: number | null;
  /** How long the command took, seen from the caller. */
  readonly answeredAfterMs: number;
}

export interface CounterClient {
  readonly samples: readonly CounterSample[];
  alive(): boolean;
  /** Resolves with the first sample at or after `sinceMs` that `match` accepts; rejects after `timeoutMs`. */
  waitFor(what: string, match: (sample: CounterSample) => boolean, sinceMs: number, timeoutMs: number): Promise<CounterSample>;
  stop(): Promise<void>;
}

export interface InvariantReport {
  readonly dualVip: string[];
  readonly doubleMounts: string[];
  readonly counterRegressions: string[];
}

export interface TimingRecord {
  readonly scenario: string;
  readonly metric: string;
  readonly value: number;
  /** 'ms' for durations; a count otherwise. */
  readonly unit: string;
}

export interface ScenarioCluster {
  readonly lab: ClusterLab;
  readonly scenario: ResolvedScenario;
  readonly group: string;
  readonly disk: SharedDisk;
  readonly mounts: MountWatch;
  readonly counter: CounterClient;
  node(name: string): ClusterNode;
  hbctl(name: string, args: readonly string[], timeoutMs?: number): Promise<CommandResult>;
  status(name: string): Promise<StatusLike>;
  /** `hbctl COMMAND --json` on the node, waiting for the outcome (bounded). */
  admin(name: string, command: 'standby' | 'takeover', timeoutMs?: number): Promise<AdminOutcome>;
  waitStatus(name: string, what: string, test: (doc: StatusLike) => boolean, timeoutMs: number): Promise<StatusLike>;
  /** Every running node active and agreeing that `owner` holds the group; VIP, disk and counter at `owner`. */
  settle(owner: string, timeoutMs?: number): Promise<void>;
  /**
   * A scenario's precondition: whatever an earlier scenario left (a fault, a stopped hbd, a failed
   * marker, the group elsewhere) is undone the way an operator would, then settle(owner).
   */
  baseline(owner?: string, timeoutMs?: number): Promise<void>;
  /** What an operator does before `hbctl cleanup`: run every member's stop by hand, right to left, on the node. */
  stopGroupByHand(name: string): Promise<CommandResult[]>;
  /** The node's main log (ha-log) so far. */
  log(name: string): Promise<string>;
  /** The VIP is configured on the node (kernel state, seen from inside it). */
  hasVip(name: string): Promise<boolean>;
  /** The shared disk is mounted in the node's mount namespace. */
  hasDisk(name: string): Promise<boolean>;
  /** The node's Dummy::gate state file exists. */
  gateRunning(name: string): Promise<boolean>;
  /** Power loss: every process SIGKILLed, cable out; the node's mounts go with its power. */
  powerLoss(name: string): Promise<void>;
  /** Boot after a power loss (nothing running, cable in) and start hbd; resolves when hbd runs. */
  bootAndStart(name: string): Promise<void>;
  /** Waits (bounded) until the lab sees no hbd running on the node any more. */
  waitManagerGone(name: string, timeoutMs: number): Promise<void>;
  invariants(sinceMs: number): InvariantReport;
  /** A measured duration (or a count, with its unit) for docs/scenarios.md, printed at the end of the file. */
  record(scenario: string, metric: string, value: number, unit?: string): void;
}

export interface ScenarioSuite {
  /** The cluster (throws before beforeAll built it). */
  cluster(): ScenarioCluster;
  /** A jest test whose failure keeps the node files; the invariants are checked after it. */
  scenario(name: string, body: (c: ScenarioCluster) => Promise<void>, timeoutMs: number): void;
}

/** `unref`: for the losing side of a race, so it does not keep jest alive. */
const delay = (ms: number, unref = false): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (unref) timer.unref();
  });

/** Compiled hbd and hbctl, rebuilt when a source is newer (pnpm test builds first; HBD_SKIP_BUILD=1 skips). */
export function ensureBuilt(): void {
  if (process.env.HBD_SKIP_BUILD === '1') return;
  const packages = ['daemon', 'core', 'wire', 'ipc', 'config', 'config-loader', 'executor', 'cli'];
  const stale = (dir: string): boolean => {
    const walk = (sub: string): boolean => {
      for (const entry of readdirSync(join(dir, 'src', sub), { withFileTypes: true })) {
        const rel = join(sub, entry.name);
        if (entry.isDirectory()) {
          if (walk(rel)) return true;
        } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          const compiled = join(dir, 'dist', rel.replace(/\.ts$/, '.js'));
          if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(join(dir, 'src', rel)).mtimeMs) return true;
        }
      }
      return false;
    };
    return walk('');
  };
  if (!packages.some((name) => stale(join(REPO_ROOT, 'packages', name)))) return;
  for (const filter of ['@hbd/daemon...', '@hbd/cli...']) {
    const result = spawnSync('pnpm', ['--filter', filter, 'build'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
    if (result.status !== 0) throw new Error(`building ${filter} failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/** ha.cf: the lab's (timers, ucast, ping node, auto_failback, logs) plus hbd's agent settings. */
export function scenarioHaCf(s: ResolvedScenario, agents: AgentSettings): string {
  return (
    haCf(s) +
    [
      '# hbd extensions (agent timeouts, stop retries): see docs/scenarios.md',
      `start_timeout ${agents.startTimeoutMs}ms`,
      `stop_timeout ${agents.stopTimeoutMs}ms`,
      `stop_retries ${agents.stopRetries}`,
      '',
    ].join('\n')
  );
}

export function groupTokens(s: ResolvedScenario, order: 'address-first' | 'storage-first' = 'address-first'): string[] {
  const address = `IPaddr2::${s.vip}/${s.prefixLength}/${s.ifname}`;
  const gateToken = `Dummy::${GATE_DUMMY}`;
  const disk = `Filesystem::${SHARED_DISK_LINK}::${SHARED_DIR}::ext4`;
  const service = `labcounter::${COUNTER_PORT}::${SHARED_DIR}`;
  return order === 'address-first' ? [address, gateToken, disk, service] : [disk, gateToken, service, address];
}

/** hbd in the lab, with the suite's ha.cf, haresources and counter service (the rest is the lab's). */
export function scenarioAdapter(agents: AgentSettings, order: 'address-first' | 'storage-first' = 'address-first'): ManagerAdapter {
  const base = hbdAdapter();
  return {
    ...base,
    configFiles(s, node): NodeFile[] {
      const replaced = new Set(['/etc/ha.d/ha.cf', '/etc/ha.d/haresources']);
      const preferred = s.nodes[0]?.name ?? NODE_A;
      return [
        ...base.configFiles(s, node).filter((file) => !replaced.has(file.path)),
        { path: '/etc/ha.d/ha.cf', content: scenarioHaCf(s, agents), mode: 0o644 },
        { path: '/etc/ha.d/haresources', content: `# scenario suite: one group, preferred node first\n${preferred} ${groupTokens(s, order).join(' ')}\n`, mode: 0o644 },
        ...counterServiceFiles(process.execPath),
      ];
    },
  };
}

function startCounterClient(lab: ClusterLab, url: string): CounterClient {
  const script = join(__dirname, 'counter-client.js');
  const child: ChildProcess = lab.client.spawn([process.execPath, script, url, '100', '1000', '3600'], { stdio: 'pipe' });
  const samples: CounterSample[] = [];
  const waiters = new Set<{ match: (s: CounterSample) => boolean; sinceMs: number; resolve: (s: CounterSample) => void }>();
  let exited = false;
  child.once('exit', () => (exited = true));
  child.stderr?.resume();
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  lines.on('line', (line) => {
    const sample = parseCounterLine(line);
    if (sample === null) return;
    samples.push(sample);
    for (const waiter of [...waiters]) {
      if (sample.sentAtMs >= waiter.sinceMs && waiter.match(sample)) {
        waiters.delete(waiter);
        waiter.resolve(sample);
      }
    }
  });
  return {
    samples,
    alive: () => !exited,
    waitFor(what, match, sinceMs, timeoutMs) {
      const found = samples.find((s) => s.sentAtMs >= sinceMs && match(s));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          sinceMs,
          resolve: (s: CounterSample) => {
            clearTimeout(timer);
            resolve(s);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const last = samples.slice(-3).map((s) => (s.value === null ? s.error : `${s.node} ${s.value}`));
          reject(new Error(`counter client: ${what}: not within ${timeoutMs} ms (last answers: ${last.join(', ') || 'none'})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async stop() {
      child.stdin?.end();
      if (exited) return;
      await Promise.race([new Promise((resolve) => child.once('exit', resolve)), delay(3000, true)]);
      if (!exited && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    },
  };
}

async function buildCluster(options: ScenarioClusterOptions, records: TimingRecord[]): Promise<{ cluster: ScenarioCluster; teardown: () => Promise<string[]> }> {
  const agents = options.agents ?? DEFAULT_AGENT_SETTINGS;
  const lab = await createClusterLab({
    scenario: { nodes: [NODE_A, NODE_B], service: 'none', pingNode: true, autoFailback: options.autoFailback ?? 'on', timers: options.timers ?? SHORT_TIMERS },
    manager: scenarioAdapter(agents, options.groupOrder),
  });
  let disk: SharedDisk | null = null;
  let mounts: MountWatch | null = null;
  let counter: CounterClient | null = null;
  const teardown = async (): Promise<string[]> => {
    await counter?.stop().catch(() => undefined);
    await mounts?.stop().catch(() => undefined);
    const problems = await lab.cleanup();
    if (disk !== null) problems.push(...(await disk.cleanup()));
    return problems;
  };
  try {
    const s = lab.scenario;
    // hbd's own agents, not Debian's Heartbeat wrappers of the OCF ones (hbd resolves resource.d first).
    for (const node of lab.nodes) {
      for (const agent of ['IPaddr2', 'Filesystem']) await rm(node.hostPath(`/etc/ha.d/resource.d/${agent}`), { force: true });
    }
    disk = await createSharedDisk(lab);
    mounts = watchMounts(
      lab.nodes.map((node) => ({ name: node.name, holderPid: node.holderPid })),
      disk.devices,
    );
    counter = startCounterClient(lab, `http://${s.vip}:${COUNTER_PORT}/`);
    const tokens = groupTokens(s, options.groupOrder);
    const group = tokens[0] as string;
    const liveDisk = disk;
    const liveMounts = mounts;
    const liveCounter = counter;

    const hbctl = (name: string, args: readonly string[], timeoutMs = 30_000): Promise<CommandResult> =>
      lab.node(name).exec([process.execPath, HBCTL_BIN, ...args], { check: false, timeoutMs });
    const status = async (name: string): Promise<StatusLike> => {
      const result = await hbctl(name, ['status', '--json'], 15_000);
      const envelope = JSON.parse(result.stdout) as { status: { message: string }; data: StatusLike | null };
      if (envelope.data === null) throw new Error(`hbctl status on ${name}: ${envelope.status.message}`);
      return envelope.data;
    };
    const summarize = (doc: StatusLike): string => {
      const g = doc.groups[0];
      const nodes = doc.nodes.map((n) => `${n.name}=${n.status}`).join(' ');
      return `${doc.localNode} ${doc.localStatus}; ${nodes}; quorum ${doc.quorum.reachable}/${doc.quorum.total}; owner ${String(g?.owner)}, here ${g?.localState}${g?.blockedBy ? ` (blocked by ${g.blockedBy.node}: ${g.blockedBy.why})` : ''}${g?.refusal ? ` (refusal: ${g.refusal})` : ''}`;
    };
    const waitStatus = async (name: string, what: string, accept: (doc: StatusLike) => boolean, timeoutMs: number): Promise<StatusLike> => {
      const deadline = monotonicMs() + timeoutMs;
      let last = 'no answer';
      for (let i = 0; i < 10_000; i += 1) {
        try {
          const doc = await status(name);
          if (accept(doc)) return doc;
          last = summarize(doc);
        } catch (err) {
          last = err instanceof Error ? err.message : String(err);
        }
        if (monotonicMs() > deadline) break;
        await delay(200);
      }
      throw new Error(`waiting on ${name} for ${what}: not within ${timeoutMs} ms; last status: ${last}`);
    };

    const cluster: ScenarioCluster = {
      lab,
      scenario: s,
      group,
      disk: liveDisk,
      mounts: liveMounts,
      counter: liveCounter,
      node: (name) => lab.node(name),
      hbctl,
      status,
      async admin(name, command, timeoutMs = 60_000) {
        const askedAt = monotonicMs();
        const result = await hbctl(name, [command, '--json', '--timeout', String(Math.ceil(timeoutMs / 1000))], timeoutMs + 10_000);
        const answeredAfterMs = monotonicMs() - askedAt;
        let envelope: { status: { message: string }; data: Omit<AdminOutcome, 'exitCode' | 'answeredAfterMs'> | null };
        try {
          envelope = JSON.parse(result.stdout) as typeof envelope;
        } catch {
          throw new Error(`hbctl ${command} on ${name}: no JSON answer (exit ${String(result.code)}): ${result.stdout}${result.stderr}`);
        }
        if (envelope.data === null) throw new Error(`hbctl ${command} on ${name}: ${envelope.status.message} (exit ${String(result.code)})`);
        return { ...envelope.data, exitCode: result.code, answeredAfterMs };
      },
      waitStatus,
      async settle(owner, timeoutMs = 60_000) {
        const startedAt = monotonicMs();
        const left = (): number => Math.max(1000, timeoutMs - (monotonicMs() - startedAt));
        const running = lab.nodes.filter((node) => lab.manager(node.name) !== null).map((node) => node.name);
        for (const name of running) {
          await waitStatus(
            name,
            `every node active, ${owner} holding ${group}`,
            (doc) =>
              doc.localStatus === 'active' &&
              doc.nodes.every((n) => !running.includes(n.name) || n.status === 'active') &&
              doc.groups[0]?.owner === owner &&
              doc.groups[0]?.localState === (name === owner ? 'started' : 'stopped') &&
              doc.lastFailover?.outcome !== 'inProgress',
            left(),
          );
        }
        const since = monotonicMs();
        await lab.waitForVipOn(owner, { timeoutMs: left(), sinceMs: since, stableMs: 300 });
        await liveCounter.waitFor(`a value served by ${owner}`, (sample) => sample.node === owner, since, left());
        expect(liveMounts.timeline.current()).toEqual([owner]);
      },
      async baseline(owner = NODE_A, timeoutMs = 120_000) {
        const startedAt = monotonicMs();
        const left = (): number => Math.max(5000, timeoutMs - (monotonicMs() - startedAt));
        for (const node of lab.nodes) {
          await lab.faults.clearAgentFaults(node.name);
          await lab.faults.clearNetem(node.name);
          await lab.faults.pingTargetLoss(node.name, false);
          await lab.faults.linkUp(node.name, 'node');
          await lab.faults.linkUp(node.name, 'switch');
          await lab.faults.resumeManager(node.name);
        }
        await lab.faults.healPartitions();
        for (const node of lab.nodes) {
          if (lab.manager(node.name) !== null) continue;
          // No hbd here (killed, crashed): boot the node clean (its orphans would otherwise be adopted).
          await node.exec(['umount', '-l', SHARED_DIR], { check: false });
          await lab.faults.reboot(node.name);
          await lab.startManager(node.name);
        }
        for (const node of lab.nodes) {
          await waitStatus(node.name, 'every node active', (doc) => doc.localStatus === 'active' && doc.nodes.every((n) => n.status === 'active'), left());
        }
        for (const node of lab.nodes) {
          const state = (await status(node.name)).groups[0]?.localState;
          if (state === 'unclean') await cluster.stopGroupByHand(node.name);
          if (state === 'unclean' || state === 'failed') {
            const result = await hbctl(node.name, ['cleanup', group, '--json'], 60_000);
            if (result.code !== 0) throw new Error(`baseline: hbctl cleanup on ${node.name} failed: ${result.stdout}${result.stderr}`);
          }
        }
        // Someone holds the group and everybody agrees; if not the wanted owner, the operator pulls it.
        const holder = await waitStatus(owner, 'the group held somewhere', (doc) => doc.groups[0]?.owner !== null && doc.lastFailover?.outcome !== 'inProgress', left());
        const current = holder.groups[0]?.owner;
        if (current !== owner) {
          await waitStatus(current as string, `${String(current)} holding the group`, (doc) => doc.groups[0]?.localState === 'started', left());
          const result = await hbctl(owner, ['takeover', '--json', '--timeout', String(Math.round(left() / 1000))], left() + 5000);
          if (result.code !== 0) throw new Error(`baseline: hbctl takeover on ${owner} failed: ${result.stdout}${result.stderr}`);
        }
        await cluster.settle(owner, left());
      },
      async stopGroupByHand(name) {
        const node = lab.node(name);
        const results: CommandResult[] = [];
        for (const token of [...tokens].reverse()) {
          const [agent, ...args] = token.split('::') as [string, ...string[]];
          const local = `/etc/ha.d/resource.d/${agent}`;
          const path = existsSync(node.hostPath(local)) ? local : join(REPO_ROOT, 'resource-agents', agent);
          results.push(await node.exec([path, ...args, 'stop'], { check: false, timeoutMs: 60_000 }));
        }
        return results;
      },
      log: (name) => lab.node(name).readFile('/var/log/ha-log').catch(() => ''),
      async hasVip(name) {
        const result = await lab.node(name).exec(['ip', '-4', '-o', 'addr', 'show'], { check: false });
        return result.stdout.includes(` ${s.vip}/`);
      },
      async hasDisk(name) {
        const result = await lab.node(name).exec(['cat', '/proc/self/mountinfo'], { check: false });
        return result.stdout.split('\n').some((line) => liveDisk.devices.has(line.split(' ')[2] ?? ''));
      },
      async gateRunning(name) {
        const result = await lab.node(name).exec(['test', '-f', `/run/resource-agents/Dummy-${GATE_DUMMY}.state`], { check: false });
        return result.code === 0;
      },
      async powerLoss(name) {
        await lab.faults.crash(name);
        // The lab's namespace holder outlives the node's processes; a machine without power holds
        // no mount. (The counter service fsyncs before it answers, so no acknowledged write
        // depends on this unmount's flush.)
        await lab.node(name).exec(['umount', '-l', SHARED_DIR], { check: false });
      },
      async bootAndStart(name) {
        await cluster.waitManagerGone(name, 10_000);
        await lab.faults.reboot(name);
        await lab.startManager(name);
      },
      async waitManagerGone(name, timeoutMs) {
        const deadline = monotonicMs() + timeoutMs;
        while (lab.manager(name) !== null) {
          if (monotonicMs() > deadline) throw new Error(`hbd on ${name} still runs after ${timeoutMs} ms`);
          await delay(50);
        }
      },
      invariants(sinceMs) {
        const who = (mac: string): string => lab.nodeByMac(mac)?.name ?? mac;
        const probe = lab.probe;
        return {
          dualVip: (probe?.timeline.dualOwnerEpisodes(sinceMs) ?? []).map((e) => `${e.macs.map(who).join(' + ')} for ${Math.round(e.lastMs - e.fromMs)} ms (${e.rounds} rounds) at ${Math.round(e.fromMs)}`),
          doubleMounts: liveMounts.timeline.doubleMounts(sinceMs).map((m) => `${m.holders.join(' + ')} for ${Math.round(m.lastMs - m.fromMs)} ms (${m.samples} samples) at ${Math.round(m.fromMs)}`),
          counterRegressions: counterRegressions(liveCounter.samples)
            .filter((r) => r.sample.sentAtMs >= sinceMs)
            .map(describeRegression),
        };
      },
      record(scenarioName, metric, value, unit = 'ms') {
        records.push({ scenario: scenarioName, metric, value: Math.round(value), unit });
      },
    };
    return { cluster, teardown };
  } catch (err) {
    const problems = await teardown();
    if (problems.length > 0 && err instanceof Error) err.message += `\n(cleanup after the failure: ${problems.join('; ')})`;
    throw err;
  }
}

/** A text account of what the watchers saw, kept with the node files. */
function account(c: ScenarioCluster): string {
  const who = (mac: string): string => c.lab.nodeByMac(mac)?.name ?? mac;
  const lines = ['# VIP owner segments (ARP probe): from..last ms  owners  rounds'];
  for (const seg of c.lab.probe?.timeline.segments() ?? []) lines.push(`${seg.fromMs.toFixed(1)}..${seg.lastMs.toFixed(1)}  ${seg.macs.map(who).join('+') || '-'}  ${seg.rounds}`);
  lines.push('', '# shared disk mounted on (mount watch): from..last ms  nodes  samples');
  for (const seg of c.mounts.timeline.segments()) lines.push(`${seg.fromMs.toFixed(1)}..${seg.lastMs.toFixed(1)}  ${seg.holders.join('+') || '-'}  ${seg.samples}`);
  if (c.mounts.errors.length > 0) lines.push('', '# mount watch errors', ...c.mounts.errors);
  lines.push('', '# counter client: seq sent done answer');
  for (const s of c.counter.samples) lines.push(`${s.seq} ${s.sentAtMs.toFixed(1)} ${s.doneAtMs.toFixed(1)} ${s.value === null ? `err ${s.error}` : `${s.node} ${s.value}`}`);
  return `${lines.join('\n')}\n`;
}

export function useScenarioCluster(gate: RealTestGate, options: ScenarioClusterOptions): ScenarioSuite {
  let built: { cluster: ScenarioCluster; teardown: () => Promise<string[]> } | null = null;
  const records: TimingRecord[] = [];
  let troubled = false;
  let testStartedAt = 0;
  const fileStartedAt = monotonicMs();

  beforeAll(async () => {
    if (!gate.enabled) return;
    ensureBuilt();
    const probe = await hbdAdapter().probe();
    if (!probe.ok) throw new Error(`hbd cannot run: ${probe.reason}`);
    // HBD_SCENARIO_GROUP_ORDER=storage-first reruns a file with the disk before the VIP (findings F2, F3).
    const order = process.env.HBD_SCENARIO_GROUP_ORDER;
    built = await buildCluster(order === 'storage-first' || order === 'address-first' ? { ...options, groupOrder: order } : options, records);
    const c = built.cluster;
    const startedAt = monotonicMs();
    await c.lab.startAll();
    try {
      await c.settle(NODE_A, 90_000);
    } catch (err) {
      troubled = true;
      throw err;
    }
    c.record('(cluster start)', 'both hbd started → group serving on nodea', monotonicMs() - startedAt);
  }, 180_000);

  beforeEach(() => {
    testStartedAt = monotonicMs();
  });

  afterEach(() => {
    if (built === null) return;
    const report = built.cluster.invariants(testStartedAt);
    const ok = report.dualVip.length === 0 && report.doubleMounts.length === 0 && report.counterRegressions.length === 0;
    if (!ok) troubled = true;
    expect(report).toEqual({ dualVip: [], doubleMounts: [], counterRegressions: [] });
    expect(built.cluster.counter.alive()).toBe(true);
  });

  afterAll(async () => {
    if (built === null) return;
    const { cluster: c, teardown } = built;
    built = null;
    let fsck: CommandResult | null = null;
    const whole = c.invariants(fileStartedAt);
    let stored: number | null;
    let leftMounted: string[];
    try {
      // A clean stop of every node (groups stopped right to left; standby nodes first, so nothing
      // is handed over), then the disk must be clean.
      const holders = c.mounts.timeline.current();
      const order = [...c.lab.nodes].sort((a, b) => Number(holders.includes(a.name)) - Number(holders.includes(b.name)));
      for (const node of order) await c.lab.stopManager(node.name, { timeoutMs: 60_000 });
      await c.counter.stop();
      await delay(200);
      leftMounted = [...c.mounts.timeline.current()];
      await c.mounts.stop();
      // Whatever a failed scenario left behind goes, so that the image can be checked.
      for (const name of leftMounted) {
        await c.lab.faults.reboot(name);
        await c.lab.node(name).exec(['umount', '-l', SHARED_DIR], { check: false });
      }
      fsck = await c.disk.fsck();
      stored = await c.disk.storedCounter();
    } finally {
      const keepDir = process.env.HBD_TEST_LOG_DIR;
      const failedFsck = fsck !== null && fsck.code !== 0;
      if (troubled || failedFsck || (keepDir !== undefined && keepDir !== '')) {
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        const dest = join(keepDir !== undefined && keepDir !== '' ? keepDir : join(tmpdir(), 'hbd-scenarios'), `${options.label}-${stamp}-${c.lab.id}`);
        await mkdir(dest, { recursive: true });
        await c.lab.collectFiles(dest).catch(() => undefined);
        await writeFile(join(dest, 'watchers.txt'), account(c)).catch(() => undefined);
        console.warn(`scenario suite ${options.label}: node files and the watchers' account kept in ${dest}`);
      }
      const problems = await teardown();
      expect(problems).toEqual([]);
    }
    const served = c.counter.samples.filter((s) => s.value !== null);
    const lastServed = served[served.length - 1]?.value ?? null;
    const table = records.map((r) => `  ${r.scenario}: ${r.metric}: ${r.value} ${r.unit}`).join('\n');
    console.log(
      `scenario suite ${options.label}: ${c.counter.samples.length} requests, ${served.length} served, last value ${String(lastServed)}, ` +
        `value on disk after the stop ${String(stored)}; ${c.lab.probe?.timeline.rounds ?? 0} ARP rounds; ${c.mounts.timeline.samples} mount samples\n${table}`,
    );
    if (process.env.HBD_SCENARIO_TIMINGS !== undefined && process.env.HBD_SCENARIO_TIMINGS !== '') {
      await writeFile(process.env.HBD_SCENARIO_TIMINGS, records.map((r) => `${JSON.stringify({ file: options.label, ...r })}\n`).join(''), { flag: 'a' });
    }
    expect(whole).toEqual({ dualVip: [], doubleMounts: [], counterRegressions: [] });
    expect(leftMounted).toEqual([]);
    expect({ code: fsck?.code, output: fsck?.code === 0 ? '' : `${fsck?.stdout}${fsck?.stderr}` }).toEqual({ code: 0, output: '' });
    // Nothing acknowledged was lost: the disk holds at least the last value a client was given.
    expect(stored).not.toBeNull();
    expect(stored as number).toBeGreaterThanOrEqual(lastServed ?? 0);
  }, 180_000);

  return {
    cluster() {
      if (built === null) throw new Error('the scenario cluster is not built (beforeAll failed or the gate is closed)');
      return built.cluster;
    },
    scenario(name, body, timeoutMs) {
      test(
        name,
        async () => {
          if (built === null) throw new Error('the scenario cluster is not built (see beforeAll)');
          try {
            await body(built.cluster);
          } catch (err) {
            troubled = true;
            throw err;
          }
        },
        timeoutMs,
      );
    },
  };
}
