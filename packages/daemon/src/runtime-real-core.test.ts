// The runtime around the REAL engine, with fake ports and a manual clock: two nodes connected
// in memory, deterministic time. Checks what the shell is responsible for: the one timer drives
// keepalives at the configured cadence, deadtime is judged on time, agent results come back as
// inputs, a measured stall reaches the engine.
import { describe, expect, test } from '@jest/globals';
import * as core from '@hbd/core';
import type { ClusterEvent, ClusterMessage } from '@hbd/core';
import { FakeClock } from '../test/fake-clock';
import { testConfig } from '../test/test-config';
import type { GenerationStore, Messenger, ResourceRunner } from './ports';
import { Runtime, type Engine } from './runtime';

const engine: Engine<core.NodeState> = { createNode: core.createNode, step: core.step, describeNode: core.describeNode };
const config = testConfig({ keepaliveMs: 100, warntimeMs: 300, deadtimeMs: 600, initdeadMs: 1200 });

interface Node {
  runtime: Runtime<core.NodeState>;
  events: ClusterEvent[];
  sent: { to: string; message: ClusterMessage; atMs: number }[];
  running: Set<string>;
  stall: number | null;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function cluster(clock: FakeClock) {
  let connected = true;
  const nodes = new Map<string, Node>();
  for (const name of ['alpha', 'beta']) {
    const node: Node = { runtime: null as unknown as Runtime<core.NodeState>, events: [], sent: [], running: new Set(), stall: null };
    let stored = 0;
    const generations: GenerationStore = { load: () => stored, persist: (value) => (stored = value) };
    const messenger: Messenger = {
      send: (to, message) => {
        node.sent.push({ to, message, atMs: clock.nowMs() });
        if (!connected) return;
        for (const [other, peer] of nodes) {
          if (other !== name && (to === 'all' || to === other)) peer.runtime.deliver({ kind: 'packetReceived', from: name, link: 'mem', generation: stored, message });
        }
      },
    };
    const runner: ResourceRunner = {
      run: (op) => {
        if (op.action === 'start') node.running.add(op.resource.token);
        if (op.action === 'stop') node.running.delete(op.resource.token);
        const outcome = op.action === 'status' && !node.running.has(op.resource.token) ? 'notRunning' : 'ok';
        return Promise.resolve({ outcome, exitCode: outcome === 'ok' ? 0 : 3, outputTail: '', durationMs: 1 });
      },
      abortAll: () => undefined,
    };
    node.runtime = new Runtime(
      engine,
      {
        clock,
        messenger,
        runner,
        prober: { probe: () => Promise.resolve(true), stop: () => undefined },
        generations,
        fencer: { fence: () => Promise.resolve(false) },
        checkStall: () => {
          const value = node.stall;
          node.stall = null;
          return value;
        },
      },
      { onEvent: (event) => node.events.push(event), onAdminCompleted: () => undefined, onShutdownCompleted: () => undefined, onFatal: (error) => { throw error; } },
    );
    nodes.set(name, node);
  }
  return {
    nodes,
    node: (name: string) => nodes.get(name)!,
    cut: () => (connected = false),
    async run(ms: number, stepMs = 10) {
      for (let t = 0; t < ms; t += stepMs) {
        clock.advance(stepMs);
        await settle();
      }
    },
  };
}

describe('Runtime with the real engine', () => {
  test('keepalives on cadence from the one timer; the group starts on its preferred node; deadtime judged on time', async () => {
    const clock = new FakeClock();
    const c = cluster(clock);
    for (const [name, node] of c.nodes) node.runtime.start(config, name);
    await c.run(1500);
    const alpha = c.node('alpha');
    const beta = c.node('beta');
    expect(alpha.runtime.describe()?.groups[0]).toMatchObject({ owner: 'alpha', localState: 'started' });
    expect([...alpha.running].sort()).toEqual(['Dummy::app', 'Dummy::web']);
    expect(beta.running.size).toBe(0);

    // Heartbeats from alpha in one steady second: one per keepalive (100 ms), give or take one.
    const from = clock.nowMs();
    await c.run(1000);
    const heartbeats = alpha.sent.filter((entry) => entry.message.type === 'heartbeat' && entry.atMs > from);
    expect(heartbeats.length).toBeGreaterThanOrEqual(9);
    expect(heartbeats.length).toBeLessThanOrEqual(11);

    // The link is cut: beta declares alpha dead after deadtime (600 ms), not before, and takes over.
    c.cut();
    const cutAt = clock.nowMs();
    await c.run(1000);
    const dead = beta.events.find((event) => event.kind === 'peerDeclaredDead');
    expect(dead).toBeDefined();
    expect(dead!.atMs - cutAt).toBeGreaterThanOrEqual(500); // last heard up to one keepalive before the cut
    expect(dead!.atMs - cutAt).toBeLessThanOrEqual(700);
    expect(beta.events.some((event) => event.kind === 'groupTakeoverStarted')).toBe(true);
  });

  test('a stall measured by the shell reaches the engine before the next input', async () => {
    const clock = new FakeClock();
    const c = cluster(clock);
    for (const [name, node] of c.nodes) node.runtime.start(config, name);
    await c.run(500);
    const alpha = c.node('alpha');
    alpha.stall = 5000;
    await c.run(200);
    expect(alpha.events.filter((event) => event.kind === 'localStall')).toEqual([expect.objectContaining({ stalledMs: 5000 })]);
  });
});
