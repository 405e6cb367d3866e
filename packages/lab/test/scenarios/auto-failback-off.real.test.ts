// Scenario suite, auto_failback off (2 nodes + client, keepalive 250 ms, deadtime 2 s):
//  12b. the preferred node dies and comes back: the group stays where it is (no second outage)
//       until the operator moves it (auto_failback on is scenario 1, node-failures.real.test.ts)
// Invariants after every scenario (scenario-cluster.ts): the VIP never from two MACs, the shared
// disk never mounted on two nodes, the counter strictly increasing.
import { describe, expect } from '@jest/globals';
import { monotonicMs } from '../../src';
import { realTestGate } from '@hbd/testkit';
import { longestOutageMs } from './counter-log';
import { NODE_A, NODE_B, SHORT_TIMERS, useScenarioCluster } from './scenario-cluster';

const gate = realTestGate('scenario suite: auto_failback off (hbd, network namespaces, shared disk)');
const suite = useScenarioCluster(gate, { label: 'auto-failback-off', autoFailback: 'off' });
const DEADTIME_MS = SHORT_TIMERS.deadtimeMs;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

(gate.enabled ? describe : describe.skip)('auto_failback off (hbd, 2 nodes, shared disk)', () => {
  suite.scenario(
    'power loss of nodea: nodeb takes over; nodea comes back and the group stays on nodeb past the soak period, until hbctl takeover brings it home',
    async (c) => {
      const name = 'auto_failback off';
      // Precondition: a healthy cluster, the group serving from nodea (its preferred node).
      await c.baseline();
      const t0 = monotonicMs();
      await c.powerLoss(NODE_A);
      const vip = await c.lab.waitForVipOn(NODE_B, { timeoutMs: DEADTIME_MS + 20_000, sinceMs: t0 });
      await c.counter.waitFor('a value from nodeb', (s) => s.node === NODE_B, t0, 20_000);
      c.record(name, 'power loss → VIP answers from nodeb', vip.fromMs - t0);
      // nodea boots and rejoins.
      const t1 = monotonicMs();
      await c.bootAndStart(NODE_A);
      const docA = await c.waitStatus(NODE_A, 'nodea active, seeing nodeb as the owner', (d) => d.localStatus === 'active' && d.groups[0]?.owner === NODE_B, 30_000);
      expect(docA.groups[0]?.localState).toBe('stopped');
      const activeAt = monotonicMs();
      c.record(name, 'hbd started on nodea → active, group left on nodeb', activeAt - t1);
      // Well past the soak period auto_failback on would wait (deadtime): nothing moves.
      await sleep(DEADTIME_MS * 3);
      expect((await c.status(NODE_A)).groups[0]).toMatchObject({ owner: NODE_B, localState: 'stopped' });
      expect((await c.status(NODE_B)).groups[0]).toMatchObject({ owner: NODE_B, localState: 'started' });
      expect(c.lab.probe?.timeline.segments(activeAt).every((seg) => seg.macs.every((mac) => mac === c.lab.node(NODE_B).mac))).toBe(true);
      expect(c.counter.samples.filter((s) => s.sentAtMs >= t1 && s.node === NODE_A)).toEqual([]);
      // No second outage when nodea came back: the counter kept being served by nodeb.
      c.record(name, 'longest counter outage while nodea rejoined', longestOutageMs(c.counter.samples, t1, monotonicMs()));
      expect(longestOutageMs(c.counter.samples, t1, monotonicMs())).toBeLessThan(DEADTIME_MS);
      // The operator brings it home when it suits them.
      const t2 = monotonicMs();
      const outcome = await c.admin(NODE_A, 'takeover');
      expect(outcome).toMatchObject({ exitCode: 0, ok: true, moved: [{ group: c.group, from: NODE_B, to: NODE_A }] });
      await c.settle(NODE_A);
      c.record(name, 'hbctl takeover answered', outcome.answeredAfterMs);
      c.record(name, 'takeover: longest counter outage', longestOutageMs(c.counter.samples, t2, monotonicMs()));
    },
    120_000,
  );
});
