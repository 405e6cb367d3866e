// hbd end to end in network namespaces with three nodes: after a kill -9 of the active hbd (its
// guardian releases the group), exactly one survivor takes the group over — the first eligible
// one in `node` order (beta), never gamma as well — and the group fails back when alpha returns.
// The client probe checks after every test that no ARP request was answered from two MACs.
import { describe, expect, test } from '@jest/globals';
import { realTestGate } from '@hbd/testkit';
import { DEADTIME_MS, GROUP_START_MS, type NetCluster } from './netns-cluster';
import { useNetClusterSuite } from './suite';

const gate = realTestGate('hbd three-node failover end to end (network namespaces, VIP, nginx)');

let cluster: NetCluster;

useNetClusterSuite(gate, (ready) => {
  cluster = ready;
}, { names: ['alpha', 'beta', 'gamma'] });

(gate.enabled ? describe : describe.skip)('three nodes (VIP + nginx)', () => {
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
