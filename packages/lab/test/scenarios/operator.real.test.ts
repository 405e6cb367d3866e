// Scenario suite, operator moves (2 nodes + client, auto_failback on, keepalive 250 ms, deadtime 2 s):
//   7. hbctl standby on the active node: the group moves, and auto_failback does not undo it
//   8. hbctl takeover on the preferred node: the group comes back
// Invariants after every scenario (scenario-cluster.ts): the VIP never from two MACs, the shared
// disk never mounted on two nodes, the counter strictly increasing.
import { describe, expect } from '@jest/globals';
import { monotonicMs } from '../../src';
import { realTestGate } from '@hbd/testkit';
import { longestOutageMs } from './counter-log';
import { NODE_A, NODE_B, SHORT_TIMERS, useScenarioCluster } from './scenario-cluster';

const gate = realTestGate('scenario suite: operator moves (hbd, network namespaces, shared disk)');
const suite = useScenarioCluster(gate, { label: 'operator', autoFailback: 'on' });
const DEADTIME_MS = SHORT_TIMERS.deadtimeMs;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

(gate.enabled ? describe : describe.skip)('operator moves (hbd, 2 nodes, shared disk)', () => {
  suite.scenario(
    'hbctl standby on nodea: the group stops there (right to left) before it starts on nodeb, the data continues, and auto_failback does not pull it back',
    async (c) => {
      const name = 'standby';
      // Precondition: a healthy cluster, the group serving from nodea.
      await c.baseline();
      const lastA = c.counter.samples.filter((s) => s.node === NODE_A).pop();
      const t0 = monotonicMs();
      const outcome = await c.admin(NODE_A, 'standby');
      expect(outcome).toMatchObject({ exitCode: 0, completed: true, ok: true, moved: [{ group: c.group, from: NODE_A, to: NODE_B }] });
      // hbctl answered once the group ran on nodeb: VIP, disk and counter are nodeb's by then.
      const doc = await c.status(NODE_B);
      expect(doc.groups[0]).toMatchObject({ owner: NODE_B, localState: 'started' });
      expect(doc.lastFailover).toMatchObject({ direction: 'takeover', from: NODE_A, outcome: 'done', reason: expect.stringMatching(/released it \(standby\)/) });
      expect(await c.hasDisk(NODE_B)).toBe(true);
      expect(await c.hasDisk(NODE_A)).toBe(false);
      const vip = await c.lab.waitForVipOn(NODE_B, { timeoutMs: 5000, sinceMs: t0 });
      const served = await c.counter.waitFor('a value from nodeb', (s) => s.node === NODE_B, t0, 10_000);
      expect(served.value).toBeGreaterThan(lastA?.value ?? 0);
      c.record(name, 'hbctl standby answered (group running on nodeb)', outcome.answeredAfterMs);
      c.record(name, 'standby → VIP answers from nodeb', vip.fromMs - t0);
      c.record(name, 'standby → first counter value from nodeb', served.doneAtMs - t0);
      c.record(name, 'longest counter outage', longestOutageMs(c.counter.samples, t0, served.doneAtMs));
      // Sticky: well past the auto_failback soak (deadtime), the group stays on nodeb.
      const settledAt = monotonicMs();
      await sleep(DEADTIME_MS * 2 + 1000);
      expect((await c.status(NODE_A)).groups[0]).toMatchObject({ owner: NODE_B, localState: 'stopped' });
      expect(c.lab.probe?.timeline.segments(settledAt).every((seg) => seg.macs.every((mac) => mac === c.lab.node(NODE_B).mac))).toBe(true);
      expect(c.counter.samples.filter((s) => s.sentAtMs >= settledAt && s.node !== null && s.node !== NODE_B)).toEqual([]);
    },
    90_000,
  );

  suite.scenario(
    'hbctl takeover on nodea brings the group back from nodeb; asked again, nothing moves',
    async (c) => {
      const name = 'takeover';
      // Precondition: a healthy cluster with the group on nodeb (as the standby scenario leaves it).
      await c.baseline(NODE_B);
      const lastB = c.counter.samples.filter((s) => s.node === NODE_B).pop();
      const t0 = monotonicMs();
      const outcome = await c.admin(NODE_A, 'takeover');
      expect(outcome).toMatchObject({ exitCode: 0, completed: true, ok: true, moved: [{ group: c.group, from: NODE_B, to: NODE_A }] });
      expect((await c.status(NODE_A)).groups[0]).toMatchObject({ owner: NODE_A, localState: 'started' });
      const vip = await c.lab.waitForVipOn(NODE_A, { timeoutMs: 5000, sinceMs: t0 });
      const served = await c.counter.waitFor('a value from nodea', (s) => s.node === NODE_A, t0, 10_000);
      expect(served.value).toBeGreaterThan(lastB?.value ?? 0);
      // Every ARP answer from nodeb came before nodea's first.
      const lastFromB = c.lab.probe?.timeline.lastAnsweredBy(c.lab.node(NODE_B).mac, Number.POSITIVE_INFINITY) ?? 0;
      expect(lastFromB).toBeLessThan(vip.fromMs);
      c.record(name, 'hbctl takeover answered (group running on nodea)', outcome.answeredAfterMs);
      c.record(name, 'takeover → VIP answers from nodea', vip.fromMs - t0);
      c.record(name, 'longest counter outage', longestOutageMs(c.counter.samples, t0, served.doneAtMs));
      const again = await c.admin(NODE_A, 'takeover');
      expect(again).toMatchObject({ exitCode: 0, ok: true, moved: [] });
      await c.settle(NODE_A);
    },
    90_000,
  );
});
