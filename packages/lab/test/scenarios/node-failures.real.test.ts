// Scenario suite, node failures (2 nodes + client, auto_failback on, keepalive 250 ms, deadtime 2 s):
//   1. power loss of the active node; it comes back and auto_failback brings the group home
//   2. kill -9 of hbd and its guardian together on the active node (its resources keep running)
//   3. hbd paused (SIGSTOP) longer than deadtime, then resumed
// Invariants after every scenario (scenario-cluster.ts): the VIP never from two MACs, the shared
// disk never mounted on two nodes, the counter strictly increasing.
import { describe, expect } from '@jest/globals';
import { monotonicMs } from '../../src';
import { realTestGate } from '@hbd/testkit';
import { longestOutageMs } from './counter-log';
import { NODE_A, NODE_B, SHORT_TIMERS, useScenarioCluster } from './scenario-cluster';

const gate = realTestGate('scenario suite: node failures (hbd, network namespaces, shared disk)');
const suite = useScenarioCluster(gate, { label: 'node-failures', autoFailback: 'on' });
const DEADTIME_MS = SHORT_TIMERS.deadtimeMs;

(gate.enabled ? describe : describe.skip)('node failures (hbd, 2 nodes, shared disk)', () => {
  suite.scenario(
    'power loss of the active node: nodeb takes over after deadtime with the data intact; back on power, auto_failback on brings the group home after the soak',
    async (c) => {
      const name = 'power loss';
      // Precondition: a healthy cluster, the group serving from nodea.
      await c.baseline();
      const before = c.counter.samples.filter((s) => s.node === NODE_A).pop();
      const t0 = monotonicMs();
      await c.powerLoss(NODE_A);
      const vip = await c.lab.waitForVipOn(NODE_B, { timeoutMs: DEADTIME_MS + 20_000, sinceMs: t0 });
      const served = await c.counter.waitFor('a value from nodeb', (s) => s.node === NODE_B, t0, 20_000);
      const doc = await c.waitStatus(NODE_B, 'nodeb holding the group', (d) => d.groups[0]?.localState === 'started', 10_000);
      // Not before deadtime: nodeb had to declare nodea dead first.
      expect(vip.fromMs - t0).toBeGreaterThan(DEADTIME_MS - 300);
      expect(doc.nodes.find((n) => n.name === NODE_A)?.status).toBe('dead');
      expect(doc.lastFailover).toMatchObject({ direction: 'takeover', from: NODE_A, to: NODE_B, outcome: 'done' });
      // The data continues where nodea left it: the first value nodeb serves is above the last nodea served.
      expect(served.value).toBeGreaterThan(before?.value ?? 0);
      expect(await c.hasDisk(NODE_B)).toBe(true);
      c.record(name, 'fault → VIP answers from nodeb', vip.fromMs - t0);
      c.record(name, 'fault → first counter value from nodeb', served.doneAtMs - t0);

      // nodea boots and rejoins; auto_failback on: the group goes home after the soak (deadtime).
      const t1 = monotonicMs();
      await c.bootAndStart(NODE_A);
      const home = await c.lab.waitForVipOn(NODE_A, { timeoutMs: 60_000, sinceMs: t1 });
      const servedHome = await c.counter.waitFor('a value from nodea again', (s) => s.node === NODE_A, t1, 20_000);
      const docA = await c.waitStatus(NODE_A, 'nodea holding the group', (d) => d.groups[0]?.localState === 'started', 10_000);
      expect(docA.lastFailover).toMatchObject({ direction: 'takeover', from: NODE_B, to: NODE_A, outcome: 'done', reason: expect.stringMatching(/failback/) });
      expect(home.fromMs - t1).toBeGreaterThan(DEADTIME_MS);
      expect(await c.hasDisk(NODE_B)).toBe(false);
      await c.settle(NODE_A);
      c.record(name, 'hbd started on nodea → VIP answers from nodea (failback)', home.fromMs - t1);
      c.record(name, 'failback: longest counter outage', longestOutageMs(c.counter.samples, t1, servedHome.doneAtMs));
    },
    120_000,
  );

  suite.scenario(
    'kill -9 of hbd and its guardian together: the resources keep running on nodea, so nodeb\'s takeover is refused by the duplicate-address check; the restarted hbd adopts the group',
    async (c) => {
      const name = 'kill -9 hbd + guardian';
      // Precondition: a healthy cluster, the group serving from nodea.
      await c.baseline();
      const lastA = c.counter.samples.filter((s) => s.node === NODE_A).pop();
      const t0 = monotonicMs();
      // Frozen, then SIGKILL, as one: neither hbd nor its guardian gets to stop anything.
      const killed = await c.lab.faults.killManager(NODE_A, { scope: 'tree' });
      expect(killed.length).toBeGreaterThanOrEqual(2);
      await c.waitManagerGone(NODE_A, 10_000);
      // nodeb declares nodea dead after deadtime and tries to take over: IPaddr2 finds nodea still
      // answering for the VIP and refuses, before anything else of the group starts on nodeb.
      const refused = await c.waitStatus(
        NODE_B,
        'nodeb to give up its takeover',
        (d) => d.nodes.find((n) => n.name === NODE_A)?.status === 'dead' && d.groups[0]?.localState === 'failed',
        DEADTIME_MS + 20_000,
      );
      expect(refused.groups[0]?.refusal).toMatch(/failed to start on nodeb/);
      const logB = await c.log(NODE_B);
      // IPaddr2 refused: the VIP is answered by nodea's MAC (its kernel still has the address).
      expect(logB).toMatch(new RegExp(`already in use by ${c.lab.node(NODE_A).mac}`, 'i'));
      expect(logB).toMatch(/IPaddr2::\S+ start: failed, exit 1/);
      expect(logB.slice(logB.lastIndexOf('taking over group'))).not.toMatch(/info: (Dummy|Filesystem|labcounter)::\S+ start \(group/);
      expect(await c.hasDisk(NODE_B)).toBe(false);
      // Meanwhile nodea's orphaned resources served on: no outage at all.
      expect(await c.hasVip(NODE_A)).toBe(true);
      expect(await c.hasDisk(NODE_A)).toBe(true);
      const during = await c.counter.waitFor('a value from nodea after the refusal', (s) => s.node === NODE_A, monotonicMs(), 5000);
      expect(during.value).toBeGreaterThan(lastA?.value ?? 0);
      c.record(name, 'kill → nodeb refuses (group failed there)', monotonicMs() - t0);

      // hbd comes back on nodea: its start-up probe finds the whole group running and adopts it.
      const t1 = monotonicMs();
      await c.lab.startManager(NODE_A);
      const adopted = await c.waitStatus(NODE_A, 'nodea holding the group again', (d) => d.localStatus === 'active' && d.groups[0]?.localState === 'started', 30_000);
      expect(adopted.groups[0]?.owner).toBe(NODE_A);
      expect(await c.log(NODE_A)).toMatch(/found running when hbd started \(.*\): adopting it/);
      c.record(name, 'hbd restarted → group adopted on nodea', monotonicMs() - t1);
      // The failed marker on nodeb is the operator's to clear (the log says so).
      const cleanup = await c.hbctl(NODE_B, ['cleanup', c.group, '--json']);
      expect(cleanup.code).toBe(0);
      await c.waitStatus(NODE_B, 'the failed marker gone on nodeb', (d) => d.groups[0]?.localState === 'stopped' && d.groups[0]?.refusal === null, 10_000);
      await c.settle(NODE_A);
      c.record(name, 'longest counter outage (kill → settled)', longestOutageMs(c.counter.samples, t0, monotonicMs()));
    },
    120_000,
  );

  suite.scenario(
    'hbd on nodea paused (SIGSTOP) longer than deadtime, then resumed: nodeb\'s takeover is refused, nodea serves on and keeps the group after its stall',
    async (c) => {
      const name = 'SIGSTOP beyond deadtime';
      // Precondition: a healthy cluster, the group serving from nodea.
      await c.baseline();
      const t0 = monotonicMs();
      const paused = await c.lab.faults.pauseManager(NODE_A);
      expect(paused.length).toBeGreaterThanOrEqual(2); // hbd and its guardian
      let resumedAt: number;
      try {
        await c.waitStatus(
          NODE_B,
          'nodeb to declare nodea dead and give up its takeover',
          (d) => d.nodes.find((n) => n.name === NODE_A)?.status === 'dead' && d.groups[0]?.localState === 'failed',
          DEADTIME_MS + 20_000,
        );
        // Frozen well beyond deadtime whatever nodeb did meanwhile (bounded).
        while (monotonicMs() - t0 < DEADTIME_MS * 2) await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        await c.lab.faults.resumeManager(NODE_A);
        resumedAt = monotonicMs();
      }
      c.record(name, 'paused for', resumedAt - t0);
      // While frozen, nodea's resources kept serving: every value came from nodea.
      const frozen = c.counter.samples.filter((s) => s.sentAtMs >= t0 && s.doneAtMs <= resumedAt);
      expect(frozen.filter((s) => s.node !== null && s.node !== NODE_A)).toEqual([]);
      expect(frozen.filter((s) => s.node === NODE_A).length).toBeGreaterThan(frozen.length / 2);
      // nodea notices its own stall, keeps the group; nodeb sees it alive again as the owner.
      const docA = await c.waitStatus(NODE_A, 'nodea to report its stall and keep the group', (d) => d.eventLoop.stalls >= 1 && d.groups[0]?.localState === 'started', 15_000);
      expect(docA.eventLoop.longestStallMs).toBeGreaterThan(DEADTIME_MS);
      await c.waitStatus(NODE_B, 'nodeb to see nodea alive and holding the group', (d) => d.nodes.find((n) => n.name === NODE_A)?.status === 'active' && d.groups[0]?.owner === NODE_A, 15_000);
      const logA = await c.log(NODE_A);
      expect(logA).toMatch(/itself stalled for/);
      expect(logA).not.toMatch(/split brain/);
      c.record(name, 'resume → nodeb sees nodea as owner', monotonicMs() - resumedAt);
      expect((await c.hbctl(NODE_B, ['cleanup', c.group, '--json'])).code).toBe(0);
      await c.settle(NODE_A);
      c.record(name, 'longest counter outage', longestOutageMs(c.counter.samples, t0, monotonicMs()));
    },
    120_000,
  );
});
