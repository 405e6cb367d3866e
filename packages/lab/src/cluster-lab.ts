// The cluster lab: N node namespaces and a client namespace (VIP probe, ping node, load
// generator) on one bridge, a manager under test on every node, faults, and one cleanup that
// always runs (processes by PID, then the namespaces, mounts and temp dirs via @hbd/testkit).
//
//   const lab = await createClusterLab({ scenario: { nodes: ['nodea', 'nodeb'] }, manager: 'heartbeat' });
//   try {
//     await lab.startAll();
//     await lab.waitForVipOn('nodea', { timeoutMs: 30_000 });
//     await lab.faults.killManager('nodea');
//     await lab.waitForVipOn('nodeb', { timeoutMs: 30_000 });
//   } finally {
//     await lab.cleanup();
//   }

import type { ChildProcess } from 'node:child_process';
import { cp, lstat, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createNetLab, runCommand, type CommandResult, type NetLab } from '@hbd/testkit';
import { adapterFor, type AdapterNodeView, type ManagerAdapter, type ManagerKind } from './adapters';
import { createClusterNode, NODE_MOUNTS, type ClusterNode } from './cluster-node';
import {
  applyNetem,
  blockPeers,
  clearAgentFaults,
  clearNetem,
  removeFirewall,
  setAgentFaults,
  setNodeLink,
  setPingBlocked,
  setSwitchPort,
  signalPids,
  unblockAllPeers,
  type AgentFaultSpec,
  type NetemApplied,
  type NetemSpec,
} from './faults';
import type { OwnerSegment } from './probe-timeline';
import { treeUsage, type TreeUsage } from './proc-stats';
import { resolveScenario, type ClusterScenario, type ResolvedScenario } from './scenario';
import { delay, monotonicMs, pollUntil } from './time';
import { startVipProbe, type VipProbe, type VipProbeOptions } from './vip-probe';

export interface ClusterLabOptions {
  readonly scenario: ClusterScenario;
  readonly manager: ManagerKind | ManagerAdapter;
  /** Progress lines (default: silent). */
  readonly log?: (line: string) => void;
  /** The VIP probe's settings, or false for no probe (default: a probe every 20 ms). */
  readonly probe?: VipProbeOptions | false;
}

export interface ManagerState {
  readonly rootPid: number;
  readonly startedAtMs: number;
  readonly child: ChildProcess;
}

export interface WaitForVipOptions {
  readonly timeoutMs: number;
  /** Only answers at or after this instant count (monotonic ms, see monotonicMs(); default now). */
  readonly sinceMs?: number;
  /** The node must answer alone for this long (default 0). */
  readonly stableMs?: number;
}

export interface LabFaults {
  /**
   * kill -9 (or `signal`) of the manager: by default its main process only, as `kill -9 $(cat
   * pidfile)` or a crash of the daemon would (its helpers react as they were built to: keepalived's
   * VRRP child, hbd's guardian); `scope: 'tree'` SIGKILLs every process of the tree at once (frozen
   * first, so none reacts). Returns the PIDs signalled.
   */
  killManager(name: string, options?: { readonly signal?: NodeJS.Signals; readonly scope?: 'main' | 'tree' }): Promise<number[]>;
  /** SIGSTOP every process of the manager's tree. */
  pauseManager(name: string): Promise<number[]>;
  resumeManager(name: string): Promise<number[]>;
  /** Power loss: SIGKILL everything in the node and pull its cable (switch port down). */
  crash(name: string): Promise<void>;
  /**
   * What a reboot leaves: nothing running, no VIP, an empty /run, no firewall or netem, agent
   * faults cleared, cable in. /var/lib/heartbeat (generation) and logs survive. The manager is
   * not started (call startManager).
   */
  reboot(name: string): Promise<void>;
  /** The node's cable: the switch port (default; the node's interface stays up) or the node's interface. */
  linkDown(name: string, side?: 'switch' | 'node'): Promise<void>;
  linkUp(name: string, side?: 'switch' | 'node'): Promise<void>;
  /** Drop all traffic between every node of `sideA` and every node of `sideB` (others unaffected). */
  partition(sideA: readonly string[], sideB: readonly string[]): Promise<void>;
  healPartitions(): Promise<void>;
  /** Egress impairment of one node (tc netem, or the nftables fallback without delay). */
  netem(name: string, spec: NetemSpec): Promise<NetemApplied>;
  clearNetem(name: string): Promise<void>;
  /** The node's ICMP echo to the ping node is dropped (only this node loses the ping target). */
  pingTargetLoss(name: string, lost: boolean): Promise<void>;
  /** Dummy agent faults on one node: a failing operation, or start/stop taking `delayMs`. */
  agentFaults(name: string, spec: AgentFaultSpec): Promise<void>;
  clearAgentFaults(name: string): Promise<void>;
}

export interface ClusterLab {
  readonly id: string;
  readonly scenario: ResolvedScenario;
  readonly adapter: ManagerAdapter;
  readonly nodes: readonly ClusterNode[];
  readonly client: ClusterNode;
  /** Null when created with `probe: false`. */
  readonly probe: VipProbe | null;
  readonly faults: LabFaults;
  node(name: string): ClusterNode;
  /** The node whose MAC this is, or null. */
  nodeByMac(mac: string): ClusterNode | null;
  /** Start the manager on one node (its config files were written when the lab was built). */
  startManager(name: string): Promise<ManagerState>;
  /** Start it on every node, in scenario order. */
  startAll(): Promise<void>;
  /** Graceful stop (SIGTERM), bounded; SIGKILL of the whole tree after `timeoutMs` (default 60 s). */
  stopManager(name: string, options?: { readonly timeoutMs?: number }): Promise<'exited' | 'killed' | 'not running'>;
  manager(name: string): ManagerState | null;
  /** The manager's process tree now (root and descendants, zombies excluded). */
  managerPids(name: string): Promise<number[]>;
  /** CPU seconds and memory of the manager's process tree. */
  managerUsage(name: string): Promise<TreeUsage>;
  /** Operator commands through the adapter, run inside the node. */
  standby(name: string): Promise<CommandResult>;
  takeover(name: string): Promise<CommandResult>;
  /** Adapter's settledness over the nodes whose manager runs. */
  isSettled(): Promise<boolean>;
  waitSettled(timeoutMs: number): Promise<void>;
  /** Waits (VIP probe) until `name`'s MAC alone answers the VIP. */
  waitForVipOn(name: string, options: WaitForVipOptions): Promise<OwnerSegment>;
  /** Node names (or unknown MACs) that answered the probe's latest round. */
  vipOwners(): string[];
  /** Peer deaths declared in the node's logs so far (adapter's pattern). */
  peerDeaths(name: string): Promise<number>;
  /** Copies every node's private directories (configs, logs, state) to `dest`. */
  collectFiles(dest: string): Promise<void>;
  /** Stops everything and removes everything. Never throws; returns what could not be removed. */
  cleanup(): Promise<string[]>;
}

/** Bounded: the longest any single lab step waits for a manager to exit on SIGTERM. */
const DEFAULT_STOP_TIMEOUT_MS = 60_000;

export async function createClusterLab(options: ClusterLabOptions): Promise<ClusterLab> {
  const log = options.log ?? ((): void => undefined);
  const scenario = resolveScenario(options.scenario, process.pid);
  const adapter = typeof options.manager === 'string' ? adapterFor(options.manager) : options.manager;
  const net: NetLab = await createNetLab();
  const tracked: ChildProcess[] = [];
  const managers = new Map<string, ManagerState>();
  const nodes: ClusterNode[] = [];
  let probe: VipProbe | null = null;
  let cleaned = false;
  let cleaning: Promise<string[]> | null = null;

  // Every caller gets the one cleanup's outcome, and only once it is finished.
  const cleanup = (): Promise<string[]> => {
    cleaned = true;
    cleaning ??= removeEverything();
    return cleaning;
  };

  const removeEverything = async (): Promise<string[]> => {
    const problems: string[] = [];
    try {
      await probe?.stop();
    } catch (err) {
      problems.push(`stop VIP probe: ${String(err)}`);
    }
    // Managers and everything else by PID; the namespaces go afterwards (testkit's cleanup).
    for (const node of nodes) {
      try {
        signalPids(await node.pids(), 'SIGKILL');
      } catch (err) {
        problems.push(`kill processes of ${node.name}: ${String(err)}`);
      }
    }
    for (const child of tracked) if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) signalPids([-child.pid], 'SIGKILL');
    problems.push(...(await net.cleanup()));
    return problems;
  };

  try {
    const sw = await net.addSwitch('lan');
    for (const spec of scenario.nodes) {
      nodes.push(
        await createClusterNode({ lab: net, sw, name: spec.name, address: spec.address, prefixLength: scenario.prefixLength, ifname: scenario.ifname, privateDirs: true, track: (c) => tracked.push(c) }),
      );
    }
    const client = await createClusterNode({
      lab: net,
      sw,
      name: 'client',
      address: scenario.clientAddress,
      prefixLength: scenario.prefixLength,
      ifname: scenario.ifname,
      privateDirs: false,
      track: (c) => tracked.push(c),
    });
    for (const spec of scenario.nodes) {
      const node = nodes[spec.index] as ClusterNode;
      for (const file of adapter.configFiles(scenario, spec)) {
        await mkdir(join(node.hostPath(file.path), '..'), { recursive: true });
        await node.writeFile(file.path, file.content, file.mode);
      }
    }
    log(`lab ${net.id}: ${nodes.map((n) => `${n.name} ${n.address} ${n.mac}`).join(', ')}; client ${client.address}; VIP ${scenario.vip}; manager ${adapter.title}`);
    if (options.probe !== false) probe = await startVipProbe(client, scenario.vip, options.probe ?? {});

    const nodeOf = (name: string): ClusterNode => {
      const found = nodes.find((node) => node.name === name);
      if (found === undefined) throw new Error(`no node "${name}" in this lab (${nodes.map((n) => n.name).join(', ')})`);
      return found;
    };
    const running = (name: string): ManagerState | null => {
      const state = managers.get(name);
      if (state === undefined || state.child.exitCode !== null || state.child.signalCode !== null) return null;
      return state;
    };
    const managerPids = async (name: string): Promise<number[]> => {
      const state = running(name);
      if (state === null) return [];
      const node = nodeOf(name);
      return (await treeUsage([state.rootPid], await node.pids())).pids.slice();
    };
    const view = (node: ClusterNode): AdapterNodeView => ({
      name: node.name,
      exec: (argv, execOptions = {}) => node.exec(argv, { check: execOptions.check ?? true, timeoutMs: execOptions.timeoutMs ?? 30_000 }),
      readFile: (path) => node.readFile(path),
    });
    const requireProbe = (): VipProbe => {
      if (probe === null) throw new Error('this lab was created without a VIP probe');
      return probe;
    };

    const faults: LabFaults = {
      async killManager(name, killOptions = {}) {
        const signal = killOptions.signal ?? 'SIGKILL';
        if ((killOptions.scope ?? 'main') === 'main') {
          const state = running(name);
          return state === null ? [] : signalPids([state.rootPid], signal);
        }
        const pids = await managerPids(name);
        // Frozen first, so no process of the tree sees another die and reacts (keepalived's VRRP
        // child sends a priority-0 advert when its parent dies).
        if (signal === 'SIGKILL') signalPids(pids, 'SIGSTOP');
        return signalPids(pids, signal);
      },
      async pauseManager(name) {
        return signalPids(await managerPids(name), 'SIGSTOP');
      },
      async resumeManager(name) {
        const node = nodeOf(name);
        // Everything stopped in the node, not just today's tree: a child forked while stopping.
        return signalPids(await node.pids(), 'SIGCONT');
      },
      async crash(name) {
        const node = nodeOf(name);
        const pids = await node.pids();
        // Frozen, cable out, then killed: nothing gets a last word out.
        signalPids(pids, 'SIGSTOP');
        await setSwitchPort(node, false);
        signalPids(pids, 'SIGKILL');
      },
      async reboot(name) {
        if (cleaned) throw new Error('HB_LAB_CLEANED_UP: this lab was cleaned up');
        const node = nodeOf(name);
        for (let i = 0; i < 50; i += 1) {
          const pids = await node.pids();
          if (pids.length === 0) break;
          signalPids(pids, 'SIGCONT');
          signalPids(pids, 'SIGKILL');
          await delay(100);
        }
        managers.delete(name);
        await runCommand(['ip', '-n', node.netns, 'addr', 'flush', 'dev', node.ifname]);
        await runCommand(['ip', '-n', node.netns, 'addr', 'add', `${node.address}/${scenario.prefixLength}`, 'brd', '+', 'dev', node.ifname]);
        await removeFirewall(node);
        await clearNetem(node);
        await clearAgentFaults(node);
        await node.resetRun();
        await setNodeLink(node, true);
        await setSwitchPort(node, true);
      },
      linkDown: (name, side = 'switch') => (side === 'switch' ? setSwitchPort(nodeOf(name), false) : setNodeLink(nodeOf(name), false)),
      linkUp: (name, side = 'switch') => (side === 'switch' ? setSwitchPort(nodeOf(name), true) : setNodeLink(nodeOf(name), true)),
      async partition(sideA, sideB) {
        const a = sideA.map(nodeOf);
        const b = sideB.map(nodeOf);
        for (const node of a) await blockPeers(node, b.map((peer) => peer.address));
        for (const node of b) await blockPeers(node, a.map((peer) => peer.address));
      },
      async healPartitions() {
        for (const node of nodes) await unblockAllPeers(node);
      },
      netem: (name, spec) => applyNetem(nodeOf(name), spec),
      clearNetem: (name) => clearNetem(nodeOf(name)),
      pingTargetLoss: (name, lost) => setPingBlocked(nodeOf(name), scenario.clientAddress, lost),
      agentFaults: (name, spec) => setAgentFaults(nodeOf(name), spec),
      clearAgentFaults: (name) => clearAgentFaults(nodeOf(name)),
    };

    const lab: ClusterLab = {
      id: net.id,
      scenario,
      adapter,
      nodes,
      client,
      probe,
      faults,
      node: nodeOf,
      nodeByMac: (mac) => nodes.find((node) => node.mac === mac.toLowerCase()) ?? null,
      async startManager(name) {
        if (cleaned) throw new Error('HB_LAB_CLEANED_UP: this lab was cleaned up');
        const node = nodeOf(name);
        if (running(name) !== null) throw new Error(`${adapter.title} already runs on ${name}`);
        const spec = scenario.nodes.find((n) => n.name === name);
        if (spec === undefined) throw new Error(`no node "${name}"`);
        const argv = adapter.startCommand(scenario, spec);
        // The shell only redirects output, then becomes the manager (same PID).
        const child = node.spawn(['sh', '-c', `exec "$@" >>${adapter.outputFile} 2>&1`, 'sh', ...argv]);
        if (child.pid === undefined) throw new Error(`could not start ${adapter.title} on ${name}`);
        const state: ManagerState = { rootPid: child.pid, startedAtMs: monotonicMs(), child };
        managers.set(name, state);
        log(`${name}: ${adapter.title} started (pid ${child.pid})`);
        return state;
      },
      async startAll() {
        for (const node of nodes) await lab.startManager(node.name);
      },
      async stopManager(name, stopOptions = {}) {
        const state = running(name);
        if (state === null) return 'not running';
        const exited = new Promise<void>((resolve) => state.child.once('exit', () => resolve()));
        signalPids(await managerPids(name), 'SIGCONT');
        signalPids([state.rootPid], 'SIGTERM');
        const timeoutMs = stopOptions.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
        const done = await Promise.race([exited.then(() => true), delay(timeoutMs, true).then(() => false)]);
        if (done) return 'exited';
        signalPids(await managerPids(name), 'SIGKILL');
        await Promise.race([exited, delay(5000, true)]);
        return 'killed';
      },
      manager: running,
      managerPids,
      async managerUsage(name) {
        const state = running(name);
        if (state === null) return { pids: [], cpuSeconds: 0, childCpuSeconds: 0, rssKiB: 0, pssKiB: 0, mainRssKiB: 0 };
        return treeUsage([state.rootPid], await nodeOf(name).pids());
      },
      standby: (name) => nodeOf(name).exec(adapter.standbyCommand(scenario, scenarioNode(scenario, name)), { timeoutMs: 60_000 }),
      takeover: (name) => nodeOf(name).exec(adapter.takeoverCommand(scenario, scenarioNode(scenario, name)), { timeoutMs: 60_000 }),
      async isSettled() {
        const live = nodes.filter((node) => running(node.name) !== null);
        // No agent, resource script or ARP announcement still at work on any node…
        for (const node of live) if ((await busyProcesses(node)).length > 0) return false;
        // …and the manager's own idea of "steady".
        return adapter.isSettled(scenario, live.map(view));
      },
      async waitSettled(timeoutMs) {
        await pollUntil(`${adapter.title} settled`, () => lab.isSettled(), timeoutMs, 250);
      },
      waitForVipOn(name, waitOptions) {
        const node = nodeOf(name);
        return requireProbe().waitForOwner(node.mac, waitOptions);
      },
      vipOwners() {
        const macs = requireProbe().currentMacs();
        return macs.map((mac) => lab.nodeByMac(mac)?.name ?? mac);
      },
      async peerDeaths(name) {
        const node = nodeOf(name);
        let count = 0;
        // The main log only (a debugfile repeats its lines).
        const main = adapter.logFiles[0];
        if (main !== undefined) count += adapter.countPeerDeaths(await node.readFile(main).catch(() => ''), scenario);
        return count;
      },
      async collectFiles(dest) {
        for (const node of nodes) {
          for (const [target, sub] of NODE_MOUNTS) {
            if (target === '/run') continue;
            // Regular files, directories and links only (Heartbeat's FIFO would block a copy).
            await cp(join(node.dir, sub), join(dest, node.name, sub), {
              recursive: true,
              force: true,
              filter: async (src) => {
                const st = await lstat(src);
                return st.isDirectory() || st.isFile() || st.isSymbolicLink();
              },
            }).catch(() => undefined);
          }
        }
      },
      cleanup,
    };
    return lab;
  } catch (err) {
    const problems = await cleanup();
    if (problems.length > 0 && err instanceof Error) err.message += `\n(cleanup after the failure: ${problems.join('; ')})`;
    throw err;
  }
}

/** Resource work in progress: agents, Heartbeat's resource scripts, gratuitous ARP senders. */
export const BUSY_PROCESS_PATTERN = /\/resource\.d\/|\/resource-agents\/|ResourceManager|\/harc|mach_down|req_resource|send_arp|arping|hb_standby|hb_takeover/;

async function busyProcesses(node: ClusterNode): Promise<string[]> {
  const busy: string[] = [];
  for (const pid of await node.pids()) {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ').trim();
    if (BUSY_PROCESS_PATTERN.test(cmdline)) busy.push(`${pid} ${cmdline}`);
  }
  return busy;
}

function scenarioNode(s: ResolvedScenario, name: string) {
  const found = s.nodes.find((node) => node.name === name);
  if (found === undefined) throw new Error(`no node "${name}"`);
  return found;
}
