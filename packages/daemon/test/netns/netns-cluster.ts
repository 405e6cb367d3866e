// A real hbd cluster in network namespaces for the end-to-end tests: two or three nodes on one
// LAN (a bridge in the lab's own namespace), each a network namespace with its own mount
// namespace, running `hbd --foreground` with the real engine, the bundled IPaddr2 (a VIP announced
// with gratuitous ARP) and nginx (a page naming the node), plus a client namespace that holds the
// ping node's address and probes the VIP (vip-probe.ts).
//
// Per node, one host directory D holds ha.d/, state/, run/, nginx/ and hbd.log; inside the node's
// mount namespace D is bind-mounted on one common path C, so every node's ha.cf and haresources
// are byte-identical (same paths, same digest) while each node has its own files, as separate
// machines would. /run/resource-agents (the agents' HA_RSCTMP) is a tmpfs of its own per node.
//
// Everything is created by the test and removed by `cleanup`, also when a test fails. Addresses are
// lab-private (10.213.x.y inside namespaces this lab created).

import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { StatusDocument } from '@hbd/ipc';
import { createNetLab, runCommand, type CommandResult, type LabLink, type LabNode, type NetLab } from '@hbd/testkit';
import { HBD_BIN, REPO_ROOT } from '../../src/demo/loopback-cluster';
import { probeSources, startVipProbe, type VipProbe } from './vip-probe';

export const HBCTL_BIN = join(REPO_ROOT, 'packages/cli/bin/hbctl.js');
export const AGENTS_DIR = join(REPO_ROOT, 'resource-agents');

/** Timers of every e2e cluster: short, so a failover takes seconds (Heartbeat's units in ha.cf). */
export const TIMERS = { keepalive: '250ms', warntime: '1', deadtime: '2', initdead: '4', deadping: '2' } as const;
export const DEADTIME_MS = 2000;
/** The group takes this long to start: IPaddr2's duplicate check (2 × 1 s) and first ARP burst, then nginx. */
export const GROUP_START_MS = 3500;

export interface ClusterNode {
  readonly name: string;
  readonly lab: LabNode;
  readonly address: string;
  readonly link: LabLink;
  readonly mac: string;
  /** The node's files on the host. */
  readonly hostDir: string;
  process: ChildProcess | null;
  /** hbd --foreground in the node (its pid is hbd's: nsenter execs it). */
  start(): ChildProcess;
  signal(signal: NodeJS.Signals): void;
  /** Waits (bounded) for hbd to exit; resolves with its exit code or signal. */
  exited(timeoutMs: number): Promise<number | string | null>;
  running(): boolean;
  /** hbctl in the node's namespaces against its socket. */
  hbctl(args: readonly string[], timeoutMs?: number): Promise<CommandResult>;
  status(): Promise<StatusDocument>;
  /** The node's hbd log so far (guardian lines included). */
  log(): string;
  /** The guardian's pid from its pid file, or null. */
  guardianPid(): number | null;
  /** The VIP is configured on one of the node's interfaces (IPaddr2 status). */
  hasVip(): Promise<boolean>;
  /** The node's nginx runs (nginx agent status). */
  nginxRunning(): Promise<boolean>;
}

export interface NetCluster {
  readonly lab: NetLab;
  readonly prefix: string;
  readonly vip: string;
  readonly pingAddress: string;
  readonly group: string;
  readonly nodes: readonly ClusterNode[];
  readonly client: LabNode;
  readonly probe: VipProbe;
  node(name: string): ClusterNode;
  /** MAC → node name, for messages. */
  whoHas(mac: string): string;
  /** Polls `hbctl status --json` on `node` until `test` accepts the document (bounded). */
  waitStatus(node: ClusterNode, what: string, test: (doc: StatusDocument) => boolean, timeoutMs: number): Promise<StatusDocument>;
  /** Every node running, `owner` holds the group (VIP and page from it), everyone agrees. */
  settle(owner: string, timeoutMs?: number): Promise<void>;
  cleanup(): Promise<void>;
}

export interface NetClusterOptions {
  readonly names?: readonly string[];
  readonly autoFailback?: 'on' | 'off' | 'legacy';
  /** Debug level of the daemons (HBD_TEST_DEBUG overrides). */
  readonly debug?: number;
  /** More ha.cf lines (the same on every node), e.g. stonith_host. */
  readonly extraHaCf?: readonly string[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \([^)]*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export async function createNetCluster(options: NetClusterOptions = {}): Promise<NetCluster> {
  const names = options.names ?? ['alpha', 'beta'];
  const lab = await createNetLab();
  const prefix = `10.213.${(process.pid % 200) + 20}`;
  const vip = `${prefix}.100`;
  const pingAddress = `${prefix}.254`;
  const group = `IPaddr2::${vip}/24/eth0`;
  let probe: VipProbe | null = null;
  const nodes: ClusterNode[] = [];
  try {
    const lan = await lab.addSwitch('lan');
    const common = await lab.tempDir('node');
    chmodSync(common, 0o755);
    const debug = Number(process.env.HBD_TEST_DEBUG ?? options.debug ?? 0);
    const haCf = [
      '# hbd end-to-end test cluster: one LAN carries heartbeats, the VIP and the ping node',
      `keepalive ${TIMERS.keepalive}`,
      `warntime ${TIMERS.warntime}`,
      `deadtime ${TIMERS.deadtime}`,
      `initdead ${TIMERS.initdead}`,
      `deadping ${TIMERS.deadping}`,
      'udpport 694',
      ...names.map((_, i) => `ucast eth0 ${prefix}.${i + 1}`),
      `ping ${pingAddress}`,
      `auto_failback ${options.autoFailback ?? 'on'}`,
      ...names.map((name) => `node ${name}`),
      // The guardian must finish within deadtime: 2 members × 0.9 s < 2 s (no timing warning).
      'stop_timeout 900ms',
      'start_timeout 30',
      `logfile ${common}/hbd.log`,
      ...(debug > 0 ? [`debugfile ${common}/hbd.debug`, `debug ${debug}`] : []),
      ...(options.extraHaCf ?? []),
      '',
    ].join('\n');
    const nginxConf = `${common}/nginx.conf`;
    const haresources = `${names[0]} ${group} nginx::${nginxConf}\n`;

    for (const [index, name] of names.entries()) {
      const labNode = await lab.addNode(name);
      const address = `${prefix}.${index + 1}`;
      const link = await lab.link(labNode, lan, { ifname: 'eth0', addresses: [`${address}/24`] });
      const hostDir = await lab.tempDir(name);
      chmodSync(hostDir, 0o755);
      for (const sub of ['ha.d', 'state', 'run', 'nginx']) mkdirSync(join(hostDir, sub), { recursive: true });
      writeFileSync(join(hostDir, 'ha.d', 'ha.cf'), haCf);
      writeFileSync(join(hostDir, 'ha.d', 'haresources'), haresources);
      writeFileSync(join(hostDir, 'ha.d', 'authkeys'), 'auth 1\n1 sha1 hbd-e2e-secret\n', { mode: 0o600 });
      chmodSync(join(hostDir, 'ha.d', 'authkeys'), 0o600);
      writeFileSync(
        join(hostDir, 'nginx.conf'),
        [
          `pid ${common}/nginx/nginx.pid;`,
          `error_log ${common}/nginx/error.log;`,
          'worker_processes 1;',
          'events { worker_connections 64; }',
          'http {',
          '  access_log off;',
          `  client_body_temp_path ${common}/nginx/body; proxy_temp_path ${common}/nginx/proxy; fastcgi_temp_path ${common}/nginx/fastcgi;`,
          `  uwsgi_temp_path ${common}/nginx/uwsgi; scgi_temp_path ${common}/nginx/scgi;`,
          '  default_type text/plain;',
          `  server { listen ${vip}:80; location / { return 200 "served by ${name}\\n"; } }`,
          '}',
          '',
        ].join('\n'),
      );
      // This node's files at the common path, and agent state of its own.
      await labNode.exec(['mount', '--bind', hostDir, common]);
      // (The mount point is the agents' standard HA_RSCTMP, which they create on first use anyway.)
      await labNode.exec(['mkdir', '-p', '/run/resource-agents']);
      await labNode.mountTmpfs('/run/resource-agents');

      const node: ClusterNode = {
        name,
        lab: labNode,
        address,
        link,
        mac: link.mac,
        hostDir,
        process: null,
        start() {
          const child = labNode.spawn([process.execPath, HBD_BIN, '--foreground', '--config-dir', `${common}/ha.d`, '--node', name, '--state-dir', `${common}/state`, '--run-dir', `${common}/run`], {
            stdio: 'ignore',
            env: withoutSystemd(process.env),
          });
          node.process = child;
          return child;
        },
        signal(signal) {
          node.process?.kill(signal);
        },
        async exited(timeoutMs) {
          const child = node.process;
          if (child === null) return null;
          if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode;
          let timer: NodeJS.Timeout | undefined;
          const result = await Promise.race([
            new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal))),
            new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
          ]);
          clearTimeout(timer);
          return result;
        },
        running: () => node.process !== null && node.process.exitCode === null && node.process.signalCode === null,
        hbctl: (args, timeoutMs = 15_000) => labNode.exec([process.execPath, HBCTL_BIN, ...args, '--run-dir', `${common}/run`], { check: false, timeoutMs }),
        async status() {
          const result = await node.hbctl(['status', '--json'], 10_000);
          const envelope = JSON.parse(result.stdout) as { status: { code: number; message: string }; data: StatusDocument | null };
          if (envelope.data === null) throw new Error(`hbctl status on ${name}: ${envelope.status.message} (exit ${String(result.code)})`);
          return envelope.data;
        },
        log() {
          try {
            return readFileSync(join(hostDir, 'hbd.log'), 'utf8');
          } catch {
            return '';
          }
        },
        guardianPid() {
          try {
            const pid = Number(readFileSync(join(hostDir, 'run', 'hbd-guardian.pid'), 'utf8').trim());
            return Number.isSafeInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : null;
          } catch {
            return null;
          }
        },
        async hasVip() {
          const { stdout } = await labNode.exec(['ip', '-4', '-o', 'addr', 'show']);
          return stdout.includes(` ${vip}/`);
        },
        async nginxRunning() {
          return (await labNode.exec([join(AGENTS_DIR, 'nginx'), nginxConf, 'status'], { check: false })).code === 0;
        },
      };
      nodes.push(node);
    }

    const client = await lab.addNode('client', { mountNamespace: false });
    const sources = probeSources(prefix);
    await lab.link(client, lan, { ifname: 'eth0', addresses: [`${pingAddress}/24`, ...sources.map((source) => `${source}/24`)] });

    const macNames = new Map(nodes.map((node) => [node.mac, node.name]));
    probe = startVipProbe(client, { vip, iface: 'eth0', sources, macNames });
    const liveProbe = probe;

    const cluster: NetCluster = {
      lab,
      prefix,
      vip,
      pingAddress,
      group,
      nodes,
      client,
      probe: liveProbe,
      node(name) {
        const found = nodes.find((node) => node.name === name);
        if (found === undefined) throw new Error(`no node ${name}`);
        return found;
      },
      whoHas: (mac) => macNames.get(mac) ?? mac,
      async waitStatus(node, what, test, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        let last: string;
        for (;;) {
          try {
            const doc = await node.status();
            if (test(doc)) return doc;
            last = summarize(doc);
          } catch (error) {
            last = (error as Error).message;
          }
          if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting on ${node.name} for ${what}; last status: ${last}`);
          await sleep(300);
        }
      },
      async settle(owner, timeoutMs = 40_000) {
        const startedAt = Date.now();
        for (const node of nodes) {
          node.signal('SIGCONT');
          if (!node.running()) node.start();
        }
        for (const node of nodes) {
          await cluster.waitStatus(
            node,
            `${owner} to hold ${group} with every node active`,
            (doc) => doc.nodes.every((peer) => peer.status === 'active') && doc.groups[0]?.owner === owner && (node.name !== owner || doc.groups[0]?.localState === 'started'),
            Math.max(1000, timeoutMs - (Date.now() - startedAt)),
          );
        }
        const ownerNode = cluster.node(owner);
        await liveProbe.waitArp(`the VIP from ${owner}`, (round) => round.macs.length === 1 && round.macs[0] === ownerNode.mac, Date.now(), 10_000);
        await liveProbe.waitHttp(`the page from ${owner}`, (sample) => sample.body === `served by ${owner}\n`, Date.now(), 10_000);
      },
      async cleanup() {
        liveProbe.stop();
        saveLogs(lab.id, nodes, liveProbe);
        // hbd first, cleanly: it stops nginx and removes the VIP; the lab then removes the rest.
        for (const node of nodes) node.signal('SIGCONT');
        for (const node of nodes) if (node.running()) node.signal('SIGTERM');
        for (const node of nodes) await node.exited(20_000);
        const problems = await lab.cleanup();
        if (problems.length > 0) throw new Error(`lab cleanup left: ${problems.join('; ')}`);
      },
    };
    return cluster;
  } catch (error) {
    probe?.stop();
    await lab.cleanup();
    throw error;
  }
}

/** HBD_TEST_LOG_DIR=dir keeps every node's log and the probe's account there (CI artifacts). */
function saveLogs(id: string, nodes: readonly ClusterNode[], probe: VipProbe): void {
  const dir = process.env.HBD_TEST_LOG_DIR;
  if (dir === undefined || dir === '') return;
  mkdirSync(dir, { recursive: true });
  // Lab ids repeat when jest runs several files in one worker: the time tells the runs apart.
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const node of nodes) {
    writeFileSync(join(dir, `${stamp}-${id}-${node.name}.log`), node.log());
    try {
      writeFileSync(join(dir, `${stamp}-${id}-${node.name}.debug`), readFileSync(join(node.hostDir, 'hbd.debug')));
    } catch {
      // no debugfile
    }
  }
  writeFileSync(join(dir, `${stamp}-${id}-probe.txt`), `${probe.describe(0)}\n`);
}

/** Our own test run may be under systemd; the daemons under test are not. */
function withoutSystemd(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { INVOCATION_ID: _invocation, JOURNAL_STREAM: _journal, ...rest } = env;
  return rest;
}

/** One line of what a status document says, for timeout messages. */
/** Polls every 100 ms until `test` holds; bounded by `timeoutMs`. */
export async function until(what: string, test: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Power off: every process of the node's namespace killed by PID (the mount holder is the lab's "hardware"), its interface down. */
export async function powerOffNode(node: ClusterNode): Promise<void> {
  for (const pid of await node.lab.pids()) {
    if (pid === node.lab.mountHolderPid) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await runCommand(['ip', '-n', node.lab.netns, 'link', 'set', 'eth0', 'down']);
}

export function summarize(doc: StatusDocument): string {
  const nodes = doc.nodes.map((node) => `${node.name}=${node.status}`).join(' ');
  const groups = doc.groups.map((group) => `${group.id}: owner ${String(group.owner)}, here ${group.localState}${group.refusal === null ? '' : ` (refused: ${group.refusal})`}`).join('; ');
  return `${doc.localNode} ${doc.localStatus}; nodes ${nodes}; quorum ${doc.quorum.reachable}/${doc.quorum.total}; ${groups}`;
}
