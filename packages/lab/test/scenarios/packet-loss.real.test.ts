// Scenario suite, 30 % packet loss for a minute at Heartbeat's default timers (keepalive 1 s,
// deadtime 30 s, warntime 15 s, initdead 30 s, deadping 30 s — reference §1.4), 2 nodes + client,
// auto_failback on: loss on both nodes' egress (tc netem; the lab falls back to nftables where the
// kernel has no sch_netem), so every heartbeat, ping and client packet in either direction crosses
// one lossy link. Nothing may move: no peer declared dead, no takeover, the counter still served
// from nodea (TCP retransmits through the loss).
// Invariants after the scenario (scenario-cluster.ts): the VIP never from two MACs, the shared
// disk never mounted on two nodes, the counter strictly increasing.
import { describe, expect } from '@jest/globals';
import { monotonicMs } from '../../src';
import { realTestGate } from '@hbd/testkit';
import { HEARTBEAT_DEFAULT_TIMERS, NODE_A, NODE_B, useScenarioCluster } from './scenario-cluster';

const gate = realTestGate('scenario suite: 30 % packet loss at default timers (hbd, network namespaces, shared disk)');
const suite = useScenarioCluster(gate, { label: 'packet-loss', autoFailback: 'on', timers: HEARTBEAT_DEFAULT_TIMERS });
const LOSS_PERCENT = 30;
const LOSS_DURATION_MS = 60_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const count = (text: string, pattern: RegExp): number => text.split('\n').filter((line) => pattern.test(line)).length;

(gate.enabled ? describe : describe.skip)('30 % packet loss for a minute (hbd, default timers)', () => {
  suite.scenario(
    `${LOSS_PERCENT} % loss on both nodes for ${LOSS_DURATION_MS / 1000} s at keepalive 1 s / deadtime 30 s: no false failover, the group keeps serving from nodea`,
    async (c) => {
      const name = `${LOSS_PERCENT} % loss, ${LOSS_DURATION_MS / 1000} s`;
      // Precondition: a healthy cluster, the group serving from nodea.
      await c.baseline();
      const marks = { [NODE_A]: (await c.log(NODE_A)).length, [NODE_B]: (await c.log(NODE_B)).length };
      const before = { a: await c.status(NODE_A), b: await c.status(NODE_B) };
      const t0 = monotonicMs();
      const applied = [await c.lab.faults.netem(NODE_A, { lossPercent: LOSS_PERCENT }), await c.lab.faults.netem(NODE_B, { lossPercent: LOSS_PERCENT })];
      let t1: number;
      try {
        // Checked every few seconds during the minute (bounded), not only at its end.
        while (monotonicMs() - t0 < LOSS_DURATION_MS) {
          await sleep(Math.min(5000, Math.max(0, LOSS_DURATION_MS - (monotonicMs() - t0))));
          for (const node of [NODE_A, NODE_B]) {
            const doc = await c.status(node);
            expect({ node, peers: doc.nodes.map((n) => `${n.name}=${n.status}`), owner: doc.groups[0]?.owner }).toEqual({
              node,
              peers: [`${NODE_A}=active`, `${NODE_B}=active`],
              owner: NODE_A,
            });
          }
        }
      } finally {
        for (const node of [NODE_A, NODE_B]) await c.lab.faults.clearNetem(node);
        t1 = monotonicMs();
      }
      const logA = (await c.log(NODE_A)).slice(marks[NODE_A]);
      const logB = (await c.log(NODE_B)).slice(marks[NODE_B]);
      // No peer or ping node declared dead, nothing taken over, nothing released.
      for (const text of [logA, logB]) {
        expect(count(text, /is dead: nothing heard|ping target \S+ dead/)).toBe(0);
        expect(count(text, /taking over group|releasing group|split brain/)).toBe(0);
      }
      const after = { a: await c.status(NODE_A), b: await c.status(NODE_B) };
      expect(after.a.groups[0]).toMatchObject({ owner: NODE_A, localState: 'started', epoch: before.a.groups[0]?.epoch });
      expect(after.b.groups[0]).toMatchObject({ owner: NODE_A, localState: 'stopped' });
      // The same last failover as before the loss (its age aside): nothing moved on nodeb.
      const failoverKey = (f: typeof after.b.lastFailover): string => (f === null ? 'none' : `${f.direction} ${f.from} -> ${f.to}: ${f.reason} (${f.outcome}, ${String(f.tookMs)} ms)`);
      expect(failoverKey(after.b.lastFailover)).toBe(failoverKey(before.b.lastFailover));
      expect(c.lab.probe?.timeline.segments(t0).every((seg) => seg.macs.every((mac) => mac === c.lab.node(NODE_A).mac))).toBe(true);
      const during = c.counter.samples.filter((s) => s.sentAtMs >= t0 && s.doneAtMs <= t1);
      const served = during.filter((s) => s.node === NODE_A);
      expect(during.filter((s) => s.node !== null && s.node !== NODE_A)).toEqual([]);
      expect(served.length).toBeGreaterThan(during.length / 2);
      const late = count(logA, /late heartbeat/) + count(logB, /late heartbeat/);
      console.log(
        `${name}: loss by ${applied.map((a) => a.method).join('/')}; ${served.length}/${during.length} requests served; ` +
          `late-heartbeat warnings ${late}; packets dropped by hbd: nodea ${after.a.packets.dropped.total - before.a.packets.dropped.total}, nodeb ${after.b.packets.dropped.total - before.b.packets.dropped.total}`,
      );
      c.record(name, `requests sent during the loss (loss by ${applied[0]?.method})`, during.length, 'requests');
      c.record(name, 'of them served (by nodea)', served.length, 'requests');
      c.record(name, 'late-heartbeat warnings (warntime 15 s)', late, 'warnings');
      c.record(name, 'loss applied for', t1 - t0);
    },
    150_000,
  );
});
