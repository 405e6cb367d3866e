// The lifecycle every netns end-to-end file shares: one cluster per file (built, started, settled
// with the group on alpha) and removed afterwards, and after every test the suite's invariant — no
// ARP request for the VIP answered from two MACs — with a probe that was alive throughout.
import { afterAll, afterEach, beforeAll, beforeEach, expect } from '@jest/globals';
import type { RealTestGate } from '@hbd/testkit';
import { buildDaemon } from '../build';
import { createNetCluster, type NetCluster, type NetClusterOptions } from './netns-cluster';

/** Registers the hooks; `onReady` receives the cluster once it is up (not called when the gate is closed). */
export function useNetClusterSuite(gate: RealTestGate, onReady: (cluster: NetCluster) => void, options: NetClusterOptions = {}): void {
  let cluster: NetCluster | undefined;
  let testStartedAt = 0;
  let roundsBefore = 0;

  beforeAll(async () => {
    if (!gate.enabled) return;
    buildDaemon();
    cluster = await createNetCluster(options);
    for (const node of cluster.nodes) node.start();
    await cluster.settle('alpha', 60_000);
    onReady(cluster);
  }, 120_000);

  afterAll(async () => {
    if (cluster !== undefined) await cluster.cleanup();
  }, 120_000);

  beforeEach(() => {
    if (cluster === undefined) return;
    testStartedAt = Date.now();
    roundsBefore = cluster.probe.arp.length;
  });

  afterEach(() => {
    const current = cluster;
    if (current === undefined) return;
    const violations = current.probe.violations().filter((round) => round.atMs >= testStartedAt);
    expect({
      violations: violations.map((round) => `${new Date(round.atMs).toISOString()}: ${round.macs.map(current.whoHas).join(' + ')}`),
      log: violations.length === 0 ? '' : current.probe.describe(testStartedAt),
    }).toEqual({ violations: [], log: '' });
    expect(current.probe.alive()).toBe(true);
    expect(current.probe.arp.length - roundsBefore).toBeGreaterThan(0);
  });
}
