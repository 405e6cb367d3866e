// hbd end to end in network namespaces: the active node's only link is cut (`ip link set eth0
// down` in its namespace). One LAN carries the heartbeats, the VIP and the ping node, so this is
// the classic two-node split-brain risk — both nodes stop hearing each other. What hbd does:
//   - beta (still reaching the ping node) declares alpha dead after deadtime and takes the group;
//   - alpha hears neither the peer nor the ping node for warntime → it is the isolated one, counts
//     its ping node dead at once and gives the group up (VIP removed, nginx stopped) on its own,
//     before beta's deadtime runs out;
//   - so when the cable comes back, only beta has the VIP: the client never sees two MACs, and
//     auto_failback brings the group home after the soak period.
// With heartbeats on a link of their own that the VIP does not share, and no ping node, both
// nodes would keep claiming (Heartbeat's W3): configure a ping node (see ping-quorum-and-ipfail.md).
import { describe, expect, test } from '@jest/globals';
import type { StatusDocument } from '@hbd/ipc';
import { realTestGate } from '@hbd/testkit';
import { DEADTIME_MS, GROUP_START_MS, summarize, type NetCluster } from './netns-cluster';
import { useNetClusterSuite } from './suite';

const gate = realTestGate('hbd link cut end to end (network namespaces, VIP, nginx)');

let cluster: NetCluster;

useNetClusterSuite(gate, (ready) => {
  cluster = ready;
});

(gate.enabled ? describe : describe.skip)('link cut on the active node (2 nodes, one LAN, ping node on it)', () => {
  test('the isolated node gives the group up by itself; beta takes over; after the cable is back, one holder and failback', async () => {
    const alpha = cluster.node('alpha');
    const beta = cluster.node('beta');
    await cluster.settle('alpha');
    const cutAt = Date.now();
    await alpha.lab.exec(['ip', 'link', 'set', 'eth0', 'down']);
    let isolatedDoc: StatusDocument | undefined;
    // When alpha's VIP goes, seen from its namespace (polled beside the rest; bounded).
    const released = (async () => {
      while (Date.now() - cutAt < 60_000) {
        if (!(await alpha.hasVip())) return Date.now() - cutAt;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return -1;
    })();
    try {
      // beta: alpha dead after deadtime, the ping node still answers → takeover.
      const betaDoc = await cluster.waitStatus(beta, 'beta holding the group', (doc) => doc.groups[0]?.localState === 'started', DEADTIME_MS + GROUP_START_MS + 15_000);
      expect(betaDoc.nodes.find((node) => node.name === 'alpha')?.status).toBe('dead');
      expect(betaDoc.quorum.hasQuorum).toBe(true);
      const betaArp = await cluster.probe.waitArp('the VIP from beta', (round) => round.macs.length === 1 && round.macs[0] === beta.mac, cutAt, 10_000);
      await cluster.probe.waitHttp('the page from beta', (sample) => sample.body === 'served by beta\n', cutAt, 10_000);
      expect(betaArp.atMs - cutAt).toBeGreaterThan(DEADTIME_MS);
      // alpha: no peer, no ping node, for warntime → isolated → stops the group (seen from the OS too).
      isolatedDoc = await cluster.waitStatus(
        alpha,
        'alpha to give the group up',
        (doc) => doc.groups[0]?.localState === 'stopped' && !doc.quorum.hasQuorum && doc.nodes.find((node) => node.name === 'beta')?.status === 'dead',
        DEADTIME_MS * 3 + 15_000,
      );
      expect(await alpha.hasVip()).toBe(false);
      expect(await alpha.nginxRunning()).toBe(false);
      expect(alpha.log()).toMatch(/no ping target reachable \(0\/1\) and no peer heard for [\d.]+ s: this node is isolated/);
      expect(alpha.log()).toMatch(/ping target \S+ dead: no echo reply for [\d.]+ s and no peer heard for [\d.]+ s: this node is cut off/);
    } finally {
      await alpha.lab.exec(['ip', 'link', 'set', 'eth0', 'up']);
    }
    const releasedAfterMs = await released;
    // Cut off after warntime (1 s), the VIP removed well before beta's deadtime (2 s) ran out.
    expect(releasedAfterMs).toBeGreaterThan(0);
    expect(releasedAfterMs).toBeLessThan(DEADTIME_MS);
    const restoredAt = Date.now();
    // The cable is back. Exactly one node ends up holding the group and both agree. Which one
    // depends on what alpha hears first: beta's heartbeat (it sees beta holding the group and waits
    // for auto_failback) or the ping node's reply (it still believes beta dead, takes the group as
    // its preferred node, meets beta's copy: split-brain rule, and IPaddr2's duplicate-address check
    // refuses the second VIP, so the group may end up failed on alpha). Both keep one MAC per ARP
    // request; the second costs a short outage and an operator's cleanup (reported to the engine).
    const agreed = async (): Promise<string | null> => {
      const [a, b] = [await alpha.status(), await beta.status()];
      const holders = [a, b].filter((doc) => doc.groups[0]?.localState === 'started').map((doc) => doc.localNode);
      const owner = holders.length === 1 ? holders[0]! : null;
      const calm = [a, b].every((doc) => doc.nodes.every((node) => node.status === 'active') && ['started', 'stopped', 'failed'].includes(doc.groups[0]?.localState ?? ''));
      return owner !== null && calm && a.groups[0]?.owner === owner && b.groups[0]?.owner === owner ? owner : null;
    };
    let owner: string | null = null;
    for (const deadline = Date.now() + DEADTIME_MS * 4 + GROUP_START_MS * 2 + 20_000; owner === null && Date.now() < deadline; ) {
      owner = await agreed().catch(() => null);
      if (owner === null) await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(owner).not.toBeNull();
    const holder = cluster.node(owner!);
    await cluster.probe.waitArp(`the VIP from ${owner!}`, (round) => round.macs.length === 1 && round.macs[0] === holder.mac, restoredAt, 15_000);
    const failedOnAlpha = (await alpha.status()).groups[0]?.localState === 'failed';
    if (failedOnAlpha) expect((await alpha.hbctl(['cleanup', cluster.group])).code).toBe(0);
    // Home again: auto_failback after the soak period (or right away if alpha already holds it).
    await cluster.settle('alpha', 40_000);
    console.log(
      `link cut: alpha gave the group up ${releasedAfterMs} ms after the cut; ${summarize(isolatedDoc!)}\n` +
        `after the cable came back: ${owner!} held the group${failedOnAlpha ? ' (the group had failed on alpha: cleaned up)' : ''}`,
    );
  }, 120_000);
});
