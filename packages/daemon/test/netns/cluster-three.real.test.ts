// hbd end to end in network namespaces with three nodes: after a kill -9 of the active hbd (its
// guardian releases the group), exactly one survivor takes the group over — the first eligible
// one in `node` order (beta), never gamma as well — and the group fails back when alpha returns.
// The client probe checks after every test that no ARP request was answered from two MACs.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { realTestGate } from '@hbd/testkit';
import { buildDaemon } from '../build';
import { createNetCluster, DEADTIME_MS, GROUP_START_MS, type NetCluster } from './netns-cluster';

const gate = realTestGate('hbd three-node failover end to end (network namespaces, VIP, nginx)');

let cluster: NetCluster;
let testStartedAt = 0;
let roundsBefore = 0;

beforeAll(async () => {
  if (!gate.enabled) return;
  buildDaemon();
  cluster = await createNetCluster({ names: ['alpha', 'beta', 'gamma'] });
  for (const node of cluster.nodes) node.start();
  await cluster.settle('alpha', 60_000);
}, 120_000);

afterAll(async () => {
  if (!gate.enabled || cluster === undefined) return;
  await cluster.cleanup();
}, 120_000);

(gate.enabled ? describe : describe.skip)('three nodes (VIP + nginx)', () => {
  beforeEach(() => {
    testStartedAt = Date.now();
    roundsBefore = cluster.probe.arp.length;
  });

  afterEach(() => {
    const violations = cluster.probe.violations().filter((round) => round.atMs >= testStartedAt);
    expect({ violations: violations.map((round) => `${new Date(round.atMs).toISOString()}: ${round.macs.map(cluster.whoHas).join(' + ')}`), log: violations.length === 0 ? '' : cluster.probe.describe(testStartedAt) }).toEqual({ violations: [], log: '' });
    expect(cluster.probe.alive()).toBe(true);
    expect(cluster.probe.arp.length - roundsBefore).toBeGreaterThan(0);
  });

  test('kill -9 of alpha: beta alone takes over (first in node order), gamma stays out; failback when alpha returns', async () => {
    const [alpha, beta, gamma] = [cluster.node('alpha'), cluster.node('beta'), cluster.node('gamma')];
    await cluster.settle('alpha');
    const gammaLogBefore = gamma.log().length;
    const killedAt = Date.now();
    alpha.signal('SIGKILL');
    await cluster.probe.waitArp('the VIP from beta', (round) => round.macs.length === 1 && round.macs[0] === beta.mac, killedAt, DEADTIME_MS + GROUP_START_MS + 15_000);
    await cluster.probe.waitHttp('the page from beta', (sample) => sample.body === 'served by beta\n', killedAt, 10_000);
    await cluster.waitStatus(beta, 'beta holding the group', (doc) => doc.groups[0]?.localState === 'started', 10_000);
    const gammaDoc = await cluster.waitStatus(gamma, 'gamma to see beta as the owner', (doc) => doc.groups[0]?.owner === 'beta', 10_000);
    expect(gammaDoc.groups[0]?.localState).toBe('stopped');
    expect(gammaDoc.nodes.find((node) => node.name === 'alpha')?.status).toBe('dead');
    expect(gamma.log().slice(gammaLogBefore)).not.toMatch(/taking over group/);
    expect(await gamma.hasVip()).toBe(false);
    expect(await gamma.nginxRunning()).toBe(false);
    expect(cluster.probe.arp.filter((round) => round.atMs >= killedAt && round.macs.includes(gamma.mac))).toEqual([]);
    expect(alpha.log()).toMatch(/guardian: everything hbd held is stopped/);

    const restartedAt = Date.now();
    alpha.start();
    await cluster.probe.waitArp('the VIP from alpha again', (round) => round.macs.includes(alpha.mac), restartedAt, 40_000);
    await cluster.settle('alpha');
    for (const node of [beta, gamma]) expect((await node.status()).groups[0]).toMatchObject({ owner: 'alpha', localState: 'stopped' });
  }, 120_000);
});
