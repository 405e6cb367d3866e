// hbd end to end in network namespaces, moves on purpose and by ipfail: `hbctl standby` on the
// active node hands the group over (and auto_failback does not undo it), `hbctl takeover` brings
// it back; a ping node lost on the active node only (a blackhole route in its namespace) makes
// ipfail move the group, and auto_failback brings it home once the ping node answers again. Two
// nodes, a real VIP and nginx; the client probe checks after every test that no ARP request was
// answered from two MACs.
import { describe, expect, test } from '@jest/globals';
import { realTestGate } from '@hbd/testkit';
import { DEADTIME_MS, GROUP_START_MS, type NetCluster } from './netns-cluster';
import { useNetClusterSuite } from './suite';

const gate = realTestGate('hbd standby/takeover and ipfail end to end (network namespaces, VIP, nginx)');

let cluster: NetCluster;

interface AdminEnvelope {
  status: { code: number; message: string };
  data: { completed: boolean; ok: boolean; message: string; moved: { group: string; from: string | null; to: string }[]; tookMs: number | null } | null;
}

useNetClusterSuite(gate, (ready) => {
  cluster = ready;
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

(gate.enabled ? describe : describe.skip)('operator moves and ipfail (2 nodes, VIP + nginx)', () => {
  test('hbctl standby on alpha moves the group to beta and waits for it; auto_failback does not undo an operator move', async () => {
    const alpha = cluster.node('alpha');
    const beta = cluster.node('beta');
    await cluster.settle('alpha');
    const askedAt = Date.now();
    const result = await alpha.hbctl(['standby', '--json'], 60_000);
    const answeredAfterMs = Date.now() - askedAt;
    expect(result.code).toBe(0);
    const envelope = JSON.parse(result.stdout) as AdminEnvelope;
    expect(envelope.data).toMatchObject({ completed: true, ok: true, moved: [{ group: cluster.group, from: 'alpha', to: 'beta' }] });
    // hbctl returned once the group ran on beta: the VIP and the page are beta's by then.
    const doc = await beta.status();
    expect(doc.groups[0]).toMatchObject({ owner: 'beta', localState: 'started' });
    expect(doc.lastFailover).toMatchObject({ direction: 'takeover', from: 'alpha', outcome: 'done', reason: expect.stringMatching(/released it \(standby\)/) });
    await cluster.probe.waitArp('the VIP from beta', (round) => round.macs.length === 1 && round.macs[0] === beta.mac, askedAt, 5000);
    await cluster.probe.waitHttp('the page from beta', (sample) => sample.body === 'served by beta\n', askedAt, 5000);
    expect(answeredAfterMs).toBeLessThan(DEADTIME_MS + GROUP_START_MS + 5000);
    // Sticky: well past the auto_failback soak period (deadtime), the group stays on beta.
    await sleep(DEADTIME_MS + 2000);
    const later = await alpha.status();
    expect(later.groups[0]).toMatchObject({ owner: 'beta', localState: 'stopped' });
    expect(cluster.probe.arp.filter((round) => round.atMs > askedAt + answeredAfterMs).every((round) => round.macs.every((mac) => mac === beta.mac))).toBe(true);
    console.log(`standby: hbctl answered after ${answeredAfterMs} ms (it says it took ${String(envelope.data?.tookMs)} ms)`);
  }, 90_000);

  test('hbctl takeover on alpha brings the group back from beta', async () => {
    const alpha = cluster.node('alpha');
    const beta = cluster.node('beta');
    // Run alone: beta must hold the group first.
    if ((await beta.status()).groups[0]?.localState !== 'started') {
      expect((await alpha.hbctl(['standby'], 60_000)).code).toBe(0);
    }
    const askedAt = Date.now();
    // The operator's words this time: what moved and how long it took.
    const result = await alpha.hbctl(['takeover'], 60_000);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/takeover all on alpha: done in [\d.]+ s/);
    expect(result.stdout).toContain(`moved ${cluster.group}: beta -> alpha`);
    expect((await alpha.status()).groups[0]).toMatchObject({ owner: 'alpha', localState: 'started' });
    const alphaArp = await cluster.probe.waitArp('the VIP from alpha', (round) => round.macs.includes(alpha.mac), askedAt, 5000);
    const lastBeta = cluster.probe.arp.filter((round) => round.macs.includes(beta.mac)).pop()!;
    expect(lastBeta.atMs).toBeLessThan(alphaArp.atMs); // every request beta answered came before the first alpha answered
    await cluster.probe.waitHttp('the page from alpha', (sample) => sample.body === 'served by alpha\n', askedAt, 5000);
    // Asked again: nothing to move.
    const again = await alpha.hbctl(['takeover'], 30_000);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing/);
  }, 90_000);

  test('ping node lost on alpha only: ipfail moves the group to beta; back home once alpha reaches it again', async () => {
    const alpha = cluster.node('alpha');
    const beta = cluster.node('beta');
    await cluster.settle('alpha');
    const route = ['ip', 'route', 'add', 'blackhole', `${cluster.pingAddress}/32`];
    const cutAt = Date.now();
    await alpha.lab.exec(route);
    try {
      const alphaDoc = await cluster.waitStatus(alpha, 'alpha to lose its ping node', (doc) => doc.pingTargets[0]?.status === 'dead' && doc.groups[0]?.owner === 'beta', DEADTIME_MS + GROUP_START_MS + 15_000);
      expect(alphaDoc.quorum).toMatchObject({ reachable: 0, total: 1, hasQuorum: false });
      const betaDoc = await cluster.waitStatus(beta, 'beta holding the group', (doc) => doc.groups[0]?.localState === 'started', 15_000);
      expect(betaDoc.quorum.reachable).toBe(1);
      expect(betaDoc.nodes.find((node) => node.name === 'alpha')).toMatchObject({ status: 'active', pingReachable: 0 });
      expect(betaDoc.lastFailover).toMatchObject({ from: 'alpha', outcome: 'done', reason: expect.stringMatching(/released it \(ipfail\)/) });
      expect(alpha.log()).toMatch(/alpha reaches 0\/1 ping targets, beta reaches 1\/1 \(ipfail\)/);
      const betaArp = await cluster.probe.waitArp('the VIP from beta', (round) => round.macs.length === 1 && round.macs[0] === beta.mac, cutAt, 10_000);
      await cluster.probe.waitHttp('the page from beta', (sample) => sample.body === 'served by beta\n', cutAt, 10_000);
      // Not before the ping node was declared dead (deadping 2 s).
      expect(betaArp.atMs - cutAt).toBeGreaterThan(DEADTIME_MS);
      // While alpha cannot reach the ping node it is not eligible: the group stays on beta.
      await sleep(DEADTIME_MS + 1000);
      expect((await alpha.status()).groups[0]).toMatchObject({ owner: 'beta', localState: 'stopped' });
    } finally {
      await alpha.lab.exec(['ip', 'route', 'del', 'blackhole', `${cluster.pingAddress}/32`], { check: false });
    }
    const restoredAt = Date.now();
    // auto_failback on: the group returns once alpha has reached the ping node again for the soak period.
    const back = await cluster.probe.waitArp('the VIP from alpha again', (round) => round.macs.includes(alpha.mac), restoredAt, DEADTIME_MS * 2 + GROUP_START_MS + 15_000);
    expect(back.atMs - restoredAt).toBeGreaterThan(DEADTIME_MS);
    await cluster.waitStatus(alpha, 'alpha holding the group again', (doc) => doc.groups[0]?.localState === 'started' && doc.pingTargets[0]?.status === 'up', 15_000);
    await cluster.settle('alpha');
  }, 120_000);
});
