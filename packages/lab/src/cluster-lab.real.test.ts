// The cluster lab itself, with Debian's Heartbeat 3.0.6 as the manager: two nodes and a client on
// a bridge, each node with its own host name and /etc/ha.d. The VIP answers from nodea; a node
// crash (kill -9 of everything on it, cable pulled) moves it to nodeb with never two MACs at once;
// nodea comes back and takes it back (auto_failback on). Then the probe must catch what a kill -9
// of Heartbeat alone does: the address stays up on nodea while nodeb takes over — two owners —
// which proves the single-MAC check can fail. Cleanup leaves no namespace, process or directory.
// Needs root; skipped loudly otherwise.

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { runCommand, realTestGate } from '@hbd/testkit';
import { heartbeatAdapter } from './adapters';
import { createClusterLab, type ClusterLab } from './cluster-lab';
import { monotonicMs } from './time';

const gate = realTestGate('cluster lab with Heartbeat 3.0.6 (network namespaces)');

let lab: ClusterLab | null = null;

beforeAll(async () => {
  if (!gate.enabled) return;
  const probe = await heartbeatAdapter().probe();
  if (!probe.ok) throw new Error(`Heartbeat is needed for this test: ${probe.reason}`);
  lab = await createClusterLab({ scenario: { nodes: ['nodea', 'nodeb'] }, manager: 'heartbeat' });
}, 60_000);

afterAll(async () => {
  if (lab === null) return;
  const current = lab;
  lab = null;
  expect(await current.cleanup()).toEqual([]);
}, 60_000);

(gate.enabled ? describe : describe.skip)('cluster lab (Heartbeat 3.0.6)', () => {
  test('nodes have their own host name and /etc/ha.d; the host keeps its own', async () => {
    const l = lab as ClusterLab;
    expect((await l.node('nodea').exec(['uname', '-n'])).stdout.trim()).toBe('nodea');
    expect((await l.node('nodeb').exec(['uname', '-n'])).stdout.trim()).toBe('nodeb');
    const haCf = (await l.node('nodeb').exec(['cat', '/etc/ha.d/ha.cf'])).stdout;
    expect(haCf).toContain('Written by @hbd/lab');
    expect(haCf).toContain('node nodeb');
    const hostHaCf = existsSync('/etc/ha.d/ha.cf') ? readFileSync('/etc/ha.d/ha.cf', 'utf8') : '';
    expect(hostHaCf).not.toContain('Written by @hbd/lab');
    // Debian's scripts are there for Heartbeat's resource manager.
    expect((await l.node('nodea').exec(['test', '-x', '/etc/ha.d/resource.d/IPaddr'], { check: false })).code).toBe(0);
  });

  test('the VIP answers from nodea, moves to nodeb when nodea crashes, and never from two MACs', async () => {
    const l = lab as ClusterLab;
    await l.startAll();
    await l.waitForVipOn('nodea', { timeoutMs: 40_000, stableMs: 1000 });
    await l.waitSettled(40_000);
    const crashAt = monotonicMs();
    await l.faults.crash('nodea');
    const taken = await l.waitForVipOn('nodeb', { timeoutMs: 20_000, sinceMs: crashAt });
    const failoverMs = taken.fromMs - crashAt;
    // deadtime is 1 s: not before it, and not absurdly later.
    expect(failoverMs).toBeGreaterThan(900);
    expect(failoverMs).toBeLessThan(10_000);
    expect(await l.peerDeaths('nodeb')).toBe(1);
    expect(l.probe?.timeline.dualOwnerEpisodes()).toEqual([]);
  }, 90_000);

  test('nodea reboots and takes the VIP back (auto_failback on), still one MAC at a time', async () => {
    const l = lab as ClusterLab;
    await l.faults.reboot('nodea');
    const startedAt = monotonicMs();
    await l.startManager('nodea');
    await l.waitForVipOn('nodea', { timeoutMs: 40_000, sinceMs: startedAt, stableMs: 500 });
    expect(l.vipOwners()).toEqual(['nodea']);
    expect(l.probe?.timeline.dualOwnerEpisodes()).toEqual([]);
  }, 60_000);

  test('the probe catches two owners: kill -9 of Heartbeat alone leaves the address on nodea', async () => {
    const l = lab as ClusterLab;
    await l.waitSettled(40_000);
    const killedAt = monotonicMs();
    const pids = await l.faults.killManager('nodea');
    expect(pids.length).toBeGreaterThan(0);
    const both = await l.probe!.waitFor('nodea and nodeb at once', (macs) => macs.length === 2, { timeoutMs: 20_000, sinceMs: killedAt });
    expect([...both.macs].sort()).toEqual([l.node('nodea').mac, l.node('nodeb').mac].sort());
    expect(l.probe?.timeline.dualOwnerEpisodes(killedAt).length).toBeGreaterThan(0);
  }, 60_000);

  test('cleanup removes the namespaces, the node processes and directories', async () => {
    const l = lab as ClusterLab;
    lab = null;
    const holders = l.nodes.map((node) => node.holderPid);
    const dirs = l.nodes.map((node) => node.dir);
    expect(await l.cleanup()).toEqual([]);
    const netns = (await runCommand(['ip', 'netns', 'list'])).stdout;
    expect(netns).not.toContain(l.id);
    for (const pid of holders) expect(existsSync(`/proc/${pid}`)).toBe(false);
    for (const dir of dirs) expect(existsSync(dir)).toBe(false);
  }, 60_000);
});
