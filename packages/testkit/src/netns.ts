// A network-namespace lab for real tests: "nodes" (a network namespace each, optionally with a
// private mount namespace), "switches" (bridges living in the lab's own namespace, so the host's
// network is never touched), veth links, loop devices, temp dirs — and one cleanup that always
// removes all of it, in an order that works (processes, then namespaces, then loop devices, then
// files), and reports what it could not remove instead of throwing.
//
// Names are unique per process and lab (`hbd<pid>-<n>-<name>`), so concurrent test files don't
// collide. Only addresses the test chooses are configured, inside namespaces the lab created.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readlink, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, type CommandResult, type RunCommandOptions } from './run-command';

export interface LabNode {
  /** The name the test gave ("alpha"). */
  readonly name: string;
  /** The real network namespace name (`ip netns` / `/run/netns/<netns>`). */
  readonly netns: string;
  /** PID of the process that keeps the node's private mount namespace alive, or null. */
  readonly mountHolderPid: number | null;
  /** argv prefix that runs a command inside this node: `nsenter --net=… [--mount=…] --`. */
  readonly prefix: readonly string[];
  /** Run a command inside the node (rejects on non-zero exit unless `check: false`). */
  exec(argv: readonly string[], options?: RunCommandOptions): Promise<CommandResult>;
  /** Start a long-running process inside the node; the lab kills its process group on cleanup. */
  spawn(argv: readonly string[], options?: LabSpawnOptions): ChildProcess;
  /** PIDs of every live process in the node's network namespace (zombies not counted). */
  pids(): Promise<number[]>;
  /** MAC address of one of the node's interfaces. */
  mac(ifname: string): Promise<string>;
  /**
   * Mount a fresh tmpfs on `dir` inside the node only (needs the node's mount namespace): a
   * node-local /run-like directory, so two nodes on one host don't share pid files and sockets.
   */
  mountTmpfs(dir: string, options?: { readonly mode?: string }): Promise<void>;
}

export interface LabSwitch {
  readonly name: string;
  /** Bridge device name inside the lab's switch namespace. */
  readonly bridge: string;
  /** The switch namespace (shared by all switches of a lab): where the bridge and the veth peers live. */
  readonly netns: string;
}

export interface LabLink {
  readonly node: LabNode;
  readonly ifname: string;
  /** The switch-side end of the veth pair, in the switch namespace. */
  readonly peerIfname: string;
  readonly mac: string;
}

export interface LabLinkOptions {
  /** Interface name inside the node, e.g. "eth0" (≤ 15 characters). */
  readonly ifname: string;
  /** Addresses in CIDR form, e.g. ["10.213.7.1/24"]. Use only lab-private ranges. */
  readonly addresses?: readonly string[];
  readonly mac?: string;
}

export interface LabSpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Where stdout/stderr go; default ignored. */
  readonly stdio?: 'ignore' | 'pipe' | 'inherit';
}

export interface LoopDevice {
  readonly device: string; // /dev/loopN
  readonly image: string; // the backing file
}

export interface NetLab {
  /** Unique prefix of everything this lab creates, e.g. "hbd4711-1". */
  readonly id: string;
  addNode(name: string, options?: { readonly mountNamespace?: boolean }): Promise<LabNode>;
  addSwitch(name: string): Promise<LabSwitch>;
  link(node: LabNode, sw: LabSwitch, options: LabLinkOptions): Promise<LabLink>;
  /** A loop device over a sparse image file in a lab temp dir, optionally with a file system. */
  addLoopDevice(options: { readonly sizeMiB: number; readonly mkfs?: 'ext4' | 'ext2' }): Promise<LoopDevice>;
  /** A fresh directory removed on cleanup (refused if something is still mounted below it). */
  tempDir(label?: string): Promise<string>;
  /** Register a clean-up step; custom steps run first, last registered first. */
  onCleanup(description: string, fn: () => unknown): void;
  /** Remove everything. Never throws; returns what could not be removed (empty when clean). */
  cleanup(): Promise<string[]>;
}

const CLEANUP_STEP_MS = 15_000;
let labCounter = 0;

export async function createNetLab(): Promise<NetLab> {
  labCounter += 1;
  const id = `hbd${process.pid}-${labCounter}`;
  const nodes: LabNode[] = [];
  const holders: ChildProcess[] = [];
  const spawned: ChildProcess[] = [];
  const loops: LoopDevice[] = [];
  const dirs: string[] = [];
  const custom: { description: string; fn: () => unknown }[] = [];
  let switchNs: string | null = null;
  let switchCount = 0;
  let portCount = 0;
  let cleaned = false;

  const ensureSwitchNs = async (): Promise<string> => {
    if (switchNs !== null) return switchNs;
    const ns = `${id}-sw`;
    await runCommand(['ip', 'netns', 'add', ns]);
    switchNs = ns;
    return ns;
  };

  const spawnIn = (prefix: readonly string[], argv: readonly string[], options: LabSpawnOptions = {}): ChildProcess => {
    const full = [...prefix, ...argv];
    const child = spawn(full[0] as string, full.slice(1), {
      detached: true,
      stdio: options.stdio ?? 'ignore',
      env: options.env ?? process.env,
      cwd: options.cwd ?? '/',
    });
    child.on('error', () => undefined);
    spawned.push(child);
    return child;
  };

  const lab: NetLab = {
    id,

    async addNode(name, options = {}) {
      assertName(name);
      const netns = `${id}-${name}`;
      await runCommand(['ip', 'netns', 'add', netns]);
      let holder: ChildProcess | null = null;
      try {
        await runCommand(['ip', '-n', netns, 'link', 'set', 'lo', 'up']);
        if (options.mountNamespace ?? true) {
          // `ip netns exec` gives a mount namespace whose /sys shows this netns; unshare makes it
          // private and this sleeping process keeps it alive. If the test dies, the holder dies
          // within the hour and the kernel drops the node's mounts with it.
          holder = spawn('ip', ['netns', 'exec', netns, 'unshare', '--mount', '--propagation', 'private', 'sleep', '3600'], {
            detached: true,
            stdio: 'ignore',
          });
          holder.on('error', () => undefined);
          holders.push(holder);
          await waitForOwnMountNs(holder);
        }
      } catch (err) {
        nodes.push(makeNode(name, netns, holder));
        throw err;
      }
      const node = makeNode(name, netns, holder);
      nodes.push(node);
      return node;
    },

    async addSwitch(name) {
      assertName(name);
      const ns = await ensureSwitchNs();
      switchCount += 1;
      const bridge = `br${switchCount}`;
      await runCommand(['ip', '-n', ns, 'link', 'add', 'name', bridge, 'type', 'bridge']);
      // No STP, no forwarding delay: ports forward immediately.
      await runCommand(['ip', '-n', ns, 'link', 'set', bridge, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
      await runCommand(['ip', '-n', ns, 'link', 'set', bridge, 'up']);
      return { name, bridge, netns: ns };
    },

    async link(node, sw, options) {
      const ns = await ensureSwitchNs();
      if (options.ifname.length > 15) throw new Error(`interface name too long (max 15): ${options.ifname}`);
      portCount += 1;
      const peerIfname = `p${portCount}`;
      const add = ['ip', 'link', 'add', 'name', options.ifname, 'netns', node.netns];
      if (options.mac) add.push('address', options.mac);
      add.push('type', 'veth', 'peer', 'name', peerIfname, 'netns', ns);
      await runCommand(add);
      await runCommand(['ip', '-n', ns, 'link', 'set', peerIfname, 'master', sw.bridge, 'up']);
      for (const address of options.addresses ?? []) {
        await runCommand(['ip', '-n', node.netns, 'addr', 'add', address, 'dev', options.ifname]);
      }
      await runCommand(['ip', '-n', node.netns, 'link', 'set', options.ifname, 'up']);
      return { node, ifname: options.ifname, peerIfname, mac: await node.mac(options.ifname) };
    },

    async addLoopDevice(options) {
      const dir = await lab.tempDir('loop');
      const image = join(dir, 'disk.img');
      await writeFile(image, '');
      await truncate(image, options.sizeMiB * 1024 * 1024); // sparse
      if (options.mkfs) await runCommand([`mkfs.${options.mkfs}`, '-q', '-F', image], { timeoutMs: 60_000 });
      const { stdout } = await runCommand(['losetup', '--find', '--show', image]);
      const loop = { device: stdout.trim(), image };
      loops.push(loop);
      return loop;
    },

    async tempDir(label = 'tmp') {
      const dir = await mkdtemp(join(tmpdir(), `${id}-${label}-`));
      dirs.push(dir);
      return dir;
    },

    onCleanup(description, fn) {
      custom.push({ description, fn });
    },

    async cleanup() {
      if (cleaned) return [];
      cleaned = true;
      const problems: string[] = [];
      const step = async (what: string, fn: () => unknown): Promise<void> => {
        try {
          await withTimeout(Promise.resolve().then(fn), CLEANUP_STEP_MS, what);
        } catch (err) {
          problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
        }
      };
      for (const { description, fn } of [...custom].reverse()) await step(description, fn);
      for (const child of spawned) await step(`stop spawned pid ${child.pid}`, () => killGroup(child));
      // Everything still running inside a node (daemons an agent started, say) is ours: it lives
      // in a namespace this lab created.
      for (const node of nodes) await step(`kill processes in ${node.netns}`, () => killNetnsProcesses(node.netns));
      for (const holder of holders) await step(`stop mount holder pid ${holder.pid}`, () => killGroup(holder));
      for (const node of nodes) await step(`delete netns ${node.netns}`, () => runCommand(['ip', 'netns', 'del', node.netns]));
      if (switchNs !== null) {
        const ns = switchNs;
        await step(`delete netns ${ns}`, () => runCommand(['ip', 'netns', 'del', ns]));
      }
      for (const loop of loops) await step(`detach ${loop.device}`, () => detachLoop(loop));
      for (const dir of [...dirs].reverse()) await step(`remove ${dir}`, () => removeDir(dir));
      return problems;
    },
  };

  function makeNode(name: string, netns: string, holder: ChildProcess | null): LabNode {
    const prefix = ['nsenter', `--net=/run/netns/${netns}`, ...(holder?.pid ? [`--mount=/proc/${holder.pid}/ns/mnt`] : []), '--'];
    return {
      name,
      netns,
      mountHolderPid: holder?.pid ?? null,
      prefix,
      exec: (argv, options) => runCommand([...prefix, ...argv], options),
      spawn: (argv, options) => spawnIn(prefix, argv, options),
      pids: () => liveNetnsPids(netns),
      async mountTmpfs(dir, options = {}) {
        if (!holder?.pid) throw new Error(`node ${name} has no mount namespace of its own: refusing to mount ${dir} on the host`);
        await runCommand([...prefix, 'mount', '-t', 'tmpfs', '-o', `mode=${options.mode ?? '0755'},size=64m`, `hbd-${name}`, dir]);
      },
      async mac(ifname) {
        const { stdout } = await runCommand(['ip', '-n', netns, '-o', 'link', 'show', 'dev', ifname]);
        const match = /link\/ether ([0-9a-f:]{17})/.exec(stdout);
        if (!match?.[1]) throw new Error(`no MAC on ${ifname} in ${netns}: ${stdout.trim()}`);
        return match[1];
      },
    };
  }

  return lab;
}

function assertName(name: string): void {
  if (!/^[a-z][a-z0-9]{0,11}$/.test(name)) throw new Error(`lab names are 1-12 lower-case letters/digits: "${name}"`);
}

async function waitForOwnMountNs(holder: ChildProcess): Promise<void> {
  const own = await readlink('/proc/self/ns/mnt');
  for (let i = 0; i < 100; i += 1) {
    if (holder.exitCode !== null || holder.signalCode !== null) throw new Error('mount namespace holder exited');
    const theirs = await readlink(`/proc/${holder.pid}/ns/mnt`).catch(() => own);
    // Wait for the final exec (sleep) too: its comm tells us unshare is done.
    const comm = await readFile(`/proc/${holder.pid}/comm`, 'utf8').catch(() => '');
    if (theirs !== own && comm.trim() === 'sleep') return;
    await delay(20);
  }
  throw new Error('mount namespace holder did not start within 2 s');
}

async function netnsPids(netns: string): Promise<number[]> {
  const { stdout } = await runCommand(['ip', 'netns', 'pids', netns], { check: false });
  return stdout
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}

async function isZombie(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat === '' || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

async function liveNetnsPids(netns: string): Promise<number[]> {
  const pids = await netnsPids(netns);
  const zombie = await Promise.all(pids.map((pid) => isZombie(pid)));
  return pids.filter((_, i) => !zombie[i]);
}

async function killNetnsProcesses(netns: string): Promise<void> {
  // Zombies are already dead (init reaps them in its own time): only live processes count.
  let pids = await liveNetnsPids(netns);
  for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
    for (const pid of pids) signalPid(pid, sig);
    for (let i = 0; i < 50 && pids.length > 0; i += 1) {
      await delay(100);
      pids = await liveNetnsPids(netns);
    }
    if (pids.length === 0) return;
  }
  throw new Error(`processes survive SIGKILL: ${pids.join(' ')}`);
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalPid(-child.pid, 'SIGTERM');
  if (await Promise.race([exited.then(() => true), delay(3_000, true).then(() => false)])) return;
  signalPid(-child.pid, 'SIGKILL');
  await Promise.race([exited, delay(3_000, true)]);
}

function signalPid(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

async function detachLoop(loop: LoopDevice): Promise<void> {
  // The backing file tells us the device is still ours (a freed number may have been reused).
  const info = await runCommand(['losetup', '--noheadings', '--output', 'BACK-FILE', loop.device], { check: false });
  if (info.code !== 0 || !info.stdout.includes(loop.image)) return;
  for (let i = 0; i < 20; i += 1) {
    const res = await runCommand(['losetup', '-d', loop.device], { check: false });
    if (res.code === 0) return;
    await delay(250);
  }
  throw new Error(`${loop.device} (${loop.image}) is still busy`);
}

async function removeDir(dir: string): Promise<void> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  const busy = mountinfo.split('\n').filter((line) => (line.split(' ')[4] ?? '').startsWith(`${dir}/`) || line.split(' ')[4] === dir);
  if (busy.length > 0) throw new Error(`still mounted below it, not removed: ${busy.map((l) => l.split(' ')[4]).join(', ')}`);
  await rm(dir, { recursive: true, force: true });
}

/** `unref`: for the losing side of a race, so it does not keep the process alive. */
function delay(ms: number, unref = false): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (unref) timer.unref();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: gave up after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
