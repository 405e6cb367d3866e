// The lab's faults, checked on the wire without a manager: a partition drops traffic between the
// chosen nodes only, ping-target loss hits one node only, loss (netem or its nftables fallback)
// drops about what it says, the cable and the node's interface go down and up, the Dummy agent's
// fault switches reach the agent, SIGSTOP/SIGCONT and a reboot do what they say. Needs root.

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { realTestGate } from '@hbd/testkit';
import { createClusterLab, type ClusterLab } from './cluster-lab';
import { signalPids } from './faults';
import { readProcStat } from './proc-stats';
import { delay } from './time';

const gate = realTestGate('cluster lab faults (network namespaces, nftables)');

let lab: ClusterLab | null = null;

beforeAll(async () => {
  if (!gate.enabled) return;
  lab = await createClusterLab({ scenario: { nodes: ['nodea', 'nodeb', 'nodec'] }, manager: 'heartbeat', probe: false });
}, 60_000);

afterAll(async () => {
  if (lab === null) return;
  expect(await lab.cleanup()).toEqual([]);
}, 60_000);

/** How many of `count` pings from `from` to `address` were answered (fast, bounded). */
async function pings(l: ClusterLab, from: string, address: string, count = 5): Promise<number> {
  const result = await l.node(from).exec(['ping', '-n', '-q', '-c', String(count), '-i', '0.01', '-W', '1', address], { check: false, timeoutMs: 15_000 });
  const match = /(\d+) received/.exec(result.stdout);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

(gate.enabled ? describe : describe.skip)('cluster lab faults', () => {
  test('partition: nodea and nodeb cannot talk, nodec and the client still reach both; heal restores it', async () => {
    const l = lab as ClusterLab;
    const [a, b, c] = [l.node('nodea'), l.node('nodeb'), l.node('nodec')];
    expect(await pings(l, 'nodea', b.address)).toBe(5);
    await l.faults.partition(['nodea'], ['nodeb']);
    expect(await pings(l, 'nodea', b.address, 3)).toBe(0);
    expect(await pings(l, 'nodeb', a.address, 3)).toBe(0);
    expect(await pings(l, 'nodec', a.address)).toBe(5);
    expect(await pings(l, 'nodec', b.address)).toBe(5);
    expect(await pings(l, 'nodea', c.address)).toBe(5);
    expect(await pings(l, 'nodea', l.scenario.clientAddress)).toBe(5);
    await l.faults.healPartitions();
    expect(await pings(l, 'nodea', b.address)).toBe(5);
  }, 60_000);

  test('ping target loss on one node only', async () => {
    const l = lab as ClusterLab;
    await l.faults.pingTargetLoss('nodeb', true);
    expect(await pings(l, 'nodeb', l.scenario.clientAddress, 3)).toBe(0);
    expect(await pings(l, 'nodea', l.scenario.clientAddress)).toBe(5);
    expect(await pings(l, 'nodeb', l.node('nodea').address)).toBe(5);
    await l.faults.pingTargetLoss('nodeb', false);
    expect(await pings(l, 'nodeb', l.scenario.clientAddress)).toBe(5);
  }, 60_000);

  test('50 % egress loss drops about half (netem, or the nftables fallback)', async () => {
    const l = lab as ClusterLab;
    const applied = await l.faults.netem('nodea', { lossPercent: 50 });
    expect(['netem', 'nftables']).toContain(applied.method);
    const received = await pings(l, 'nodea', l.scenario.clientAddress, 200);
    // Echo requests leave nodea with 50 % loss: 100 ± 40 is beyond any reasonable doubt.
    expect(received).toBeGreaterThan(60);
    expect(received).toBeLessThan(140);
    await l.faults.clearNetem('nodea');
    expect(await pings(l, 'nodea', l.scenario.clientAddress, 20)).toBe(20);
  }, 60_000);

  test('the cable (switch port) and the node\'s interface go down and up', async () => {
    const l = lab as ClusterLab;
    await l.faults.linkDown('nodec');
    expect(await pings(l, 'nodea', l.node('nodec').address, 2)).toBe(0);
    await l.faults.linkUp('nodec');
    await l.faults.linkDown('nodec', 'node');
    expect(await pings(l, 'nodea', l.node('nodec').address, 2)).toBe(0);
    await l.faults.linkUp('nodec', 'node');
    for (let i = 0; i < 20 && (await pings(l, 'nodea', l.node('nodec').address, 1)) === 0; i += 1) await delay(100);
    expect(await pings(l, 'nodea', l.node('nodec').address)).toBe(5);
  }, 60_000);

  test('agent faults reach the Dummy agent in that node only', async () => {
    const l = lab as ClusterLab;
    const dummy = (node: string, action: string) => l.node(node).exec(['/etc/ha.d/resource.d/Dummy', 'svc', action], { check: false, timeoutMs: 10_000 });
    await l.faults.agentFaults('nodea', { fail: 'start' });
    expect((await dummy('nodea', 'start')).code).toBe(1);
    expect((await dummy('nodeb', 'start')).code).toBe(0);
    expect((await dummy('nodeb', 'status')).stdout).toContain('running');
    await l.faults.agentFaults('nodeb', { delayMs: 700 });
    const started = Date.now();
    expect((await dummy('nodeb', 'stop')).code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(650);
    await l.faults.clearAgentFaults('nodea');
    expect((await dummy('nodea', 'start')).code).toBe(0);
    // The state lives in the node's own /run: nodec never saw it.
    expect((await dummy('nodec', 'status')).code).toBe(3);
  }, 60_000);

  test('a reboot leaves nothing running, no extra address, an empty /run, the cable in', async () => {
    const l = lab as ClusterLab;
    const node = l.node('nodea');
    const sleeper = node.spawn(['sleep', '600']);
    await node.exec(['ip', 'addr', 'add', `${l.scenario.vip}/24`, 'dev', 'eth0']);
    signalPids([sleeper.pid as number], 'SIGSTOP');
    await delay(100);
    expect((await readProcStat(sleeper.pid as number))?.state).toBe('T');
    await l.faults.linkDown('nodea');
    await l.faults.reboot('nodea');
    expect(await node.pids()).toEqual([]);
    const addresses = (await node.exec(['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'])).stdout;
    expect(addresses).toContain(`${node.address}/24`);
    expect(addresses).not.toContain(l.scenario.vip);
    expect((await node.exec(['ls', '/run/resource-agents'])).stdout.trim()).toBe('');
    expect(await pings(l, 'nodeb', node.address)).toBe(5);
  }, 60_000);
});
