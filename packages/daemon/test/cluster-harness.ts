// Runs hbd nodes in this process for tests: the real engine, real UDP on loopback addresses
// (127.0.0.2, 127.0.0.3, …), real control sockets in temp run dirs, Dummy-style agents with a
// state dir per node. Everything lives under one temp dir removed by `cleanup`.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterConfig, ResourceGroup } from '@hbd/config';
import * as core from '@hbd/core';
import type { StatusDocument } from '@hbd/ipc';
import { connectDaemon, type DaemonClient } from '../../cli/src/daemon-client';
import { startDaemon, type Daemon } from '../src/daemon';
import type { Prober } from '../src/ports';
import type { Engine } from '../src/runtime';
import { memoryLog, type MemoryLog } from './memory-log';
import { writeDummyAgent } from './dummy-agent';

export const realEngine: Engine<core.NodeState> = { createNode: core.createNode, step: core.step, describeNode: core.describeNode };

export interface TestNode {
  readonly name: string;
  readonly address: string;
  readonly dir: string;
  readonly stateDir: string;
  readonly runDir: string;
  /** Where this node's Dummy resources keep their state files. */
  readonly resourceDir: string;
  daemon: Daemon;
  log: MemoryLog;
  client(): Promise<DaemonClient>;
  isRunning(resource: string): boolean;
  restart(): Promise<void>;
}

export interface Cluster {
  readonly root: string;
  readonly nodes: TestNode[];
  node(name: string): TestNode;
  cleanup(): Promise<void>;
}

/** Groups of Dummy resources: ["alpha", "Dummy::web", "Dummy::app"] → preferred node, members. */
export type GroupSpec = readonly [string, ...string[]];

export function clusterConfig(names: readonly string[], port: number, groups: readonly GroupSpec[], agentPath: string, overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  const location = { file: 'haresources', line: 1, column: 1 };
  const resourceGroups: ResourceGroup[] = groups.map(([preferredNode, ...tokens], index) => ({
    id: tokens[0]!,
    preferredNode,
    resources: tokens.map((token) => {
      const [name = token, ...args] = token.split('::');
      return { token, name, args, location: { ...location, line: index + 1 }, agent: { path: agentPath, kind: 'hbd' as const } };
    }),
    location: { ...location, line: index + 1 },
  }));
  return {
    clusterName: 'hbd-test',
    nodes: [...names],
    keepaliveMs: 100,
    deadtimeMs: 1000,
    warntimeMs: 500,
    initdeadMs: 2000,
    deadpingMs: 1000,
    udpPort: port,
    media: names.map((_, i) => ({ kind: 'ucast' as const, iface: 'lo', peer: `127.0.0.${i + 2}`, port })),
    pingTargets: [],
    autoFailback: 'on',
    groups: resourceGroups,
    auth: { activeIndex: 1, keys: [{ index: 1, method: 'sha1', key: 'cluster harness secret' }] },
    logging: { debugLevel: 0 },
    respawn: [],
    agentTimeouts: { startMs: 5000, stopMs: 5000, statusMs: 2000 },
    stopRetriesMax: 2,
    monitorIntervalMs: 0,
    stonithHosts: [],
    digest: 'harness-digest',
    ...overrides,
  };
}

/**
 * Starts one hbd per name, node i on 127.0.0.(i+2). Every node gets the same agent script path
 * in its config, but the script is a per-node wrapper, so the config must be built per node.
 */
export async function startCluster(
  names: readonly string[],
  groups: readonly GroupSpec[],
  options: { port: number; overrides?: Partial<ClusterConfig>; proberFor?: (name: string) => Prober },
): Promise<Cluster> {
  const root = mkdtempSync(join(tmpdir(), 'hbd-cluster-'));
  const nodes: TestNode[] = [];
  for (const [index, name] of names.entries()) {
    const dir = join(root, name);
    const resourceDir = join(dir, 'resources');
    const agentPath = writeDummyAgent(join(dir, 'agents'), resourceDir);
    const config = clusterConfig(names, options.port, groups, agentPath, options.overrides);
    const address = `127.0.0.${index + 2}`;
    const stateDir = join(dir, 'state');
    const runDir = join(dir, 'run');
    const launch = async (): Promise<{ daemon: Daemon; log: MemoryLog }> => {
      const log = memoryLog(Number(process.env.HBD_TEST_DEBUG ?? 0));
      const prober = options.proberFor?.(name);
      const daemon = await startDaemon({ config, configDir: dir, localNode: name, stateDir, runDir, engine: realEngine, log, bindAddress: address, ...(prober === undefined ? {} : { prober }) });
      return { daemon, log };
    };
    const first = await launch();
    const node: TestNode = {
      name,
      address,
      dir,
      stateDir,
      runDir,
      resourceDir,
      daemon: first.daemon,
      log: first.log,
      client: () => connectDaemon({ socketPath: node.daemon.socketPath, client: 'test' }),
      isRunning: (resource) => existsSync(join(resourceDir, resource)),
      async restart() {
        const next = await launch();
        node.daemon = next.daemon;
        node.log = next.log;
      },
    };
    nodes.push(node);
  }
  return {
    root,
    nodes,
    node: (name) => nodes.find((node) => node.name === name)!,
    async cleanup() {
      for (const node of nodes) await node.daemon.shutdown('test cleanup');
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` every 20 ms until it returns a non-null value; bounded by `timeoutMs`. */
/** One node's status document, through its control socket (hbctl's client). */
export async function statusOf(cluster: Cluster, name: string): Promise<StatusDocument> {
  const client = await cluster.node(name).client();
  try {
    return await client.call('status', {}, 5000);
  } finally {
    client.close();
  }
}

export async function eventually<T>(what: string, probe: () => T | null | undefined | Promise<T | null | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== null && value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : ` (last error: ${String(last)})`}`);
}
