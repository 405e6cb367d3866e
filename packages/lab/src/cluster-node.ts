// One machine of the cluster lab: a network namespace (from @hbd/testkit's lab) plus a namespace
// holder of our own that adds a private mount namespace and a UTS namespace (its own host name, so
// Heartbeat's `uname -n` is the node name), with per-node directories bind-mounted over the paths
// the managers use: /etc/ha.d, /var/lib/heartbeat, /etc/keepalived, /var/log and /run. Everything
// the node writes lands in its directory under the lab's temp dir, inspectable from the host.
//
// The holder is `cat` reading a pipe from this process: if the harness dies, the pipe closes, the
// holder exits and the node's mounts go with it.

import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand, type CommandResult, type LabLink, type LabNode, type LabSwitch, type NetLab, type RunCommandOptions } from '@hbd/testkit';
import { delay } from './time';

/** Node path → directory name under the node's dir, bind-mounted in this order. */
export const NODE_MOUNTS: readonly (readonly [string, string])[] = [
  ['/etc/ha.d', 'etc-ha.d'],
  ['/var/lib/heartbeat', 'var-lib-heartbeat'],
  ['/etc/keepalived', 'etc-keepalived'],
  ['/var/log', 'var-log'],
  ['/run', 'run'],
];

/** A daemon's environment, not the harness's (no systemd or jest variables). */
export const NODE_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  HOME: '/root',
  TERM: 'dumb',
};

export interface NodeSpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Default: ignore. 'pipe': stdin, stdout and stderr are pipes the caller writes, reads and drains. */
  readonly stdio?: 'ignore' | 'pipe';
}

export interface ClusterNode {
  /** Node name = host name inside the node ("nodea"; "client" for the client namespace). */
  readonly name: string;
  readonly netns: string;
  /** The node's own address on the lab LAN. */
  readonly address: string;
  readonly ifname: string;
  readonly mac: string;
  /** Host directory holding the node's private directories (see NODE_MOUNTS). */
  readonly dir: string;
  readonly holderPid: number;
  /** argv prefix that runs a command inside the node (network, mount and UTS namespaces). */
  readonly prefix: readonly string[];
  /** The switch-side end of the node's link (in the lab's switch namespace). */
  readonly switchPort: { readonly netns: string; readonly ifname: string };
  exec(argv: readonly string[], options?: RunCommandOptions): Promise<CommandResult>;
  /** `sh -c SCRIPT` inside the node. */
  sh(script: string, options?: RunCommandOptions): Promise<CommandResult>;
  /** A long-running process inside the node, in its own process group; killed by the lab's cleanup. */
  spawn(argv: readonly string[], options?: NodeSpawnOptions): ChildProcess;
  /** Live processes of the node (the namespace holder excluded). */
  pids(): Promise<number[]>;
  /** Host path of a path inside the node; only for the node-private directories. */
  hostPath(nodePath: string): string;
  readFile(nodePath: string): Promise<string>;
  writeFile(nodePath: string, text: string, mode?: number): Promise<void>;
  /** Empty /run as a reboot would (keeps /var/lib/heartbeat, /etc, /var/log), then recreate its skeleton. */
  resetRun(): Promise<void>;
}

export interface CreateClusterNodeOptions {
  readonly lab: NetLab;
  readonly sw: LabSwitch;
  readonly name: string;
  readonly address: string;
  readonly prefixLength: number;
  readonly ifname: string;
  /** Bind-mount the node-private directories (false for the client namespace). */
  readonly privateDirs: boolean;
  readonly track: (child: ChildProcess) => void;
}

export async function createClusterNode(options: CreateClusterNodeOptions): Promise<ClusterNode> {
  const { lab, sw, name } = options;
  const base: LabNode = await lab.addNode(name, { mountNamespace: false });
  const link: LabLink = await lab.link(base, sw, { ifname: options.ifname });
  // With an explicit broadcast address: without `brd +` bcast media silently send to 0.0.0.0.
  await runCommand(['ip', '-n', base.netns, 'addr', 'add', `${options.address}/${options.prefixLength}`, 'brd', '+', 'dev', options.ifname]);
  const dir = await lab.tempDir(name);
  await chmod(dir, 0o755);
  if (options.privateDirs) await prepareDirs(dir);

  const holder = spawn('ip', ['netns', 'exec', base.netns, 'unshare', '--mount', '--uts', '--propagation', 'private', '--', 'sh', '-c', 'hostname "$0" && exec cat', name], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  holder.on('error', () => undefined);
  holder.stdin?.on('error', () => undefined);
  options.track(holder);
  await waitForHolder(holder);
  const holderPid = holder.pid as number;
  const prefix = ['nsenter', `--net=/run/netns/${base.netns}`, `--mount=/proc/${holderPid}/ns/mnt`, `--uts=/proc/${holderPid}/ns/uts`, '--'];
  if (options.privateDirs) {
    for (const [target, sub] of NODE_MOUNTS) {
      await runCommand(['nsenter', `--mount=/proc/${holderPid}/ns/mnt`, '--', 'mount', '--bind', join(dir, sub), target]);
    }
  }

  const hostPath = (nodePath: string): string => {
    if (!options.privateDirs) throw new Error(`${name} has no private directories`);
    for (const [target, sub] of NODE_MOUNTS) {
      if (nodePath === target) return join(dir, sub);
      if (nodePath.startsWith(`${target}/`)) return join(dir, sub, nodePath.slice(target.length + 1));
    }
    throw new Error(`${nodePath} is not in one of ${name}'s private directories (${NODE_MOUNTS.map(([t]) => t).join(', ')})`);
  };

  const node: ClusterNode = {
    name,
    netns: base.netns,
    address: options.address,
    ifname: options.ifname,
    mac: link.mac,
    dir,
    holderPid,
    prefix,
    switchPort: { netns: sw.netns, ifname: link.peerIfname },
    exec: (argv, runOptions = {}) => runCommand([...prefix, ...argv], { env: NODE_ENV, ...runOptions }),
    sh: (script, runOptions = {}) => runCommand([...prefix, 'sh', '-c', script], { env: NODE_ENV, ...runOptions }),
    spawn(argv, spawnOptions = {}) {
      const full = [...prefix, ...argv];
      const child = spawn(full[0] as string, full.slice(1), {
        detached: true,
        stdio: spawnOptions.stdio === 'pipe' ? 'pipe' : 'ignore',
        env: spawnOptions.env ?? NODE_ENV,
        cwd: '/',
      });
      child.on('error', () => undefined);
      options.track(child);
      return child;
    },
    async pids() {
      return (await base.pids()).filter((pid) => pid !== holderPid);
    },
    hostPath,
    readFile: (nodePath) => readFile(hostPath(nodePath), 'utf8'),
    async writeFile(nodePath, text, mode = 0o644) {
      const file = hostPath(nodePath);
      await writeFile(file, text, { mode });
      await chmod(file, mode);
    },
    async resetRun() {
      const run = join(dir, 'run');
      for (const entry of await readdir(run)) await rm(join(run, entry), { recursive: true, force: true });
      await prepareRun(run);
    },
  };
  return node;
}

async function waitForHolder(holder: ChildProcess): Promise<void> {
  const own = await readlink('/proc/self/ns/uts');
  for (let i = 0; i < 150; i += 1) {
    if (holder.exitCode !== null || holder.signalCode !== null) throw new Error('namespace holder exited (is util-linux unshare installed?)');
    const theirs = await readlink(`/proc/${holder.pid}/ns/uts`).catch(() => own);
    const comm = await readFile(`/proc/${holder.pid}/comm`, 'utf8').catch(() => '');
    if (theirs !== own && comm.trim() === 'cat') return;
    await delay(20);
  }
  throw new Error('namespace holder did not start within 3 s');
}

interface Ids {
  readonly hacluster: number;
  readonly haclient: number;
}

async function clusterIds(): Promise<Ids> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const group = await readFile('/etc/group', 'utf8').catch(() => '');
  const field = (text: string, name: string, index: number): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}:`));
    const value = Number(line?.split(':')[index]);
    return Number.isInteger(value) ? value : 0;
  };
  return { hacluster: field(passwd, 'hacluster', 2), haclient: field(group, 'haclient', 2) };
}

async function prepareDirs(dir: string): Promise<void> {
  for (const [, sub] of NODE_MOUNTS) {
    await mkdir(join(dir, sub), { recursive: true });
    await chmod(join(dir, sub), 0o755);
  }
  // Heartbeat's packaged files (harc, rc.d, resource.d, shellfuncs) and state skeleton, when installed.
  await runCommand(['sh', '-c', `[ ! -d /etc/ha.d ] || cp -a /etc/ha.d/. '${join(dir, 'etc-ha.d')}'/`]);
  await runCommand(['sh', '-c', `[ ! -d /var/lib/heartbeat ] || cp -a /var/lib/heartbeat/. '${join(dir, 'var-lib-heartbeat')}'/`]);
  // Someone else's configuration must not leak into the node.
  for (const file of ['ha.cf', 'haresources', 'authkeys', 'nodeinfo']) await rm(join(dir, 'etc-ha.d', file), { force: true });
  for (const file of ['hb_generation', 'hb_uuid', 'fifo', 'delhostcache', 'hostcache']) await rm(join(dir, 'var-lib-heartbeat', file), { force: true });
  await prepareRun(join(dir, 'run'));
}

/** What a booted Debian has in /run for these daemons (tmpfiles.d/heartbeat.conf and friends). */
async function prepareRun(run: string): Promise<void> {
  const ids = await clusterIds();
  await chmod(run, 0o755);
  for (const sub of ['heartbeat', 'heartbeat/ccm', 'heartbeat/crm', 'heartbeat/dopd', 'crm']) {
    await mkdir(join(run, sub), { recursive: true });
    await chmod(join(run, sub), 0o750);
    await chown(join(run, sub), ids.hacluster, ids.haclient);
  }
  await mkdir(join(run, 'resource-agents'), { recursive: true });
  await chmod(join(run, 'resource-agents'), 0o1755);
  await mkdir(join(run, 'lock'), { recursive: true });
  await chmod(join(run, 'lock'), 0o1777);
  await symlink('/dev/shm', join(run, 'shm')).catch(() => undefined);
}
