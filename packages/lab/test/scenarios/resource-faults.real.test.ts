// Scenario suite, resource faults (2 nodes + client, auto_failback on, keepalive 250 ms, deadtime 2 s,
// start_timeout 10 s, stop_retries 2), injected with the lab's Dummy fault switches on the group's
// second member (Dummy::gate, between the VIP and the disk):
//   9. a start fails midway: rolled back right to left on that node, the peer takes over
//  10. a start hangs: killed at start_timeout, treated as a failure, the group moves
//  11. a stop fails: the group is unclean, NOT started anywhere else (no double start) until the
//      operator has made sure and runs hbctl cleanup
// Invariants after every scenario (scenario-cluster.ts): the VIP never from two MACs, the shared
// disk never mounted on two nodes, the counter strictly increasing.
import { describe, expect } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { monotonicMs } from '../../src';
import { realTestGate } from '@hbd/testkit';
import { longestOutageMs } from './counter-log';
import { DEFAULT_AGENT_SETTINGS, GATE_DUMMY, NODE_A, NODE_B, SHORT_TIMERS, type ScenarioCluster, useScenarioCluster } from './scenario-cluster';

const gate = realTestGate('scenario suite: resource faults (hbd, network namespaces, shared disk)');
const suite = useScenarioCluster(gate, { label: 'resource-faults', autoFailback: 'on' });
const DEADTIME_MS = SHORT_TIMERS.deadtimeMs;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** hbd's own lines about starting/stopping members, in order: "Dummy::gate start: failed", "IPaddr2 stop"... */
function memberOps(logText: string): string[] {
  const ops: string[] = [];
  for (const line of logText.split('\n')) {
    const issued = / hbd: \[\d+\]: info: (\w+)::\S+ (start|stop) \(group /.exec(line);
    if (issued !== null) ops.push(`${issued[1]} ${issued[2]}`);
    const done = / hbd: \[\d+\]: \w+: (\w+)::\S+ (start|stop): (\w+),/.exec(line);
    if (done !== null) ops.push(`${done[1]} ${done[2]}: ${done[3]}`);
  }
  return ops;
}

/** Processes of the node whose command line mentions the Dummy agent (a hung start left behind?). */
async function dummyProcesses(c: ScenarioCluster, name: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await c.lab.node(name).pids()) {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
    if (/Dummy/.test(cmdline)) found.push(`${pid} ${cmdline.trim()}`);
  }
  return found;
}

(gate.enabled ? describe : describe.skip)('resource faults (hbd, 2 nodes, shared disk)', () => {
  suite.scenario(
    'a start fails midway on nodeb (Dummy::gate, the second member): rolled back right to left there, the disk never mounted on nodeb, and nodea takes the group back',
    async (c) => {
      const name = 'start fails midway';
      // Precondition: a healthy cluster, the group serving from nodea; nodeb's gate will fail to start.
      await c.baseline();
      await c.lab.faults.agentFaults(NODE_B, { fail: 'start', resource: GATE_DUMMY });
      const markB = (await c.log(NODE_B)).length;
      const lastA = c.counter.samples.filter((s) => s.node === NODE_A).pop();
      const t0 = monotonicMs();
      // The operator moves the group to nodeb; its start fails there.
      const outcome = await c.admin(NODE_A, 'standby');
      expect(outcome).toMatchObject({ completed: true, ok: false, moved: [] });
      expect(outcome.message).toContain(`${c.group} failed to start on nodeb`);
      await c.waitStatus(NODE_B, 'the group failed on nodeb', (d) => d.groups[0]?.localState === 'failed', 20_000);
      expect((await c.log(NODE_B)).slice(markB)).toMatch(/failed to start at Dummy::gate: failed, exit 1/);
      // nodeb: IPaddr2 started, the gate failed, then both stopped right to left; nothing to the right of the gate ran.
      expect(memberOps((await c.log(NODE_B)).slice(markB))).toEqual([
        'IPaddr2 start',
        'IPaddr2 start: ok',
        'Dummy start',
        'Dummy start: failed',
        'Dummy stop',
        'Dummy stop: ok',
        'IPaddr2 stop',
        'IPaddr2 stop: ok',
      ]);
      expect(c.mounts.timeline.segments(t0).some((seg) => seg.holders.includes(NODE_B))).toBe(false);
      // The peer, nodea, takes it back.
      const docA = await c.waitStatus(NODE_A, 'nodea holding the group again', (d) => d.groups[0]?.localState === 'started', 30_000);
      expect(docA.lastFailover).toMatchObject({ from: NODE_B, to: NODE_A, outcome: 'done', reason: expect.stringMatching(/failed/) });
      const backAt = monotonicMs();
      const served = await c.counter.waitFor('a value from nodea again', (s) => s.node === NODE_A, backAt, 20_000);
      expect(served.value).toBeGreaterThan(lastA?.value ?? 0);
      c.record(name, 'standby → group started on nodea again (after the failed start on nodeb)', backAt - t0);
      c.record(name, 'longest counter outage', longestOutageMs(c.counter.samples, t0, served.doneAtMs));
      // The operator fixes nodeb and clears the marker.
      await c.lab.faults.clearAgentFaults(NODE_B);
      expect((await c.hbctl(NODE_B, ['cleanup', c.group, '--json'])).code).toBe(0);
      await c.waitStatus(NODE_B, 'the failed marker gone on nodeb', (d) => d.groups[0]?.localState === 'stopped' && d.groups[0]?.refusal === null, 10_000);
      await c.settle(NODE_A);
    },
    120_000,
  );

  suite.scenario(
    'a start hangs on nodeb (Dummy::gate sleeps beyond start_timeout): hbd kills it at the timeout, rolls back, and nodea takes the group back',
    async (c) => {
      const name = 'start hangs';
      await c.baseline();
      await c.lab.faults.agentFaults(NODE_B, { resource: GATE_DUMMY, delayMs: 120_000 });
      const markB = (await c.log(NODE_B)).length;
      const t0 = monotonicMs();
      // The operator pulls the group to nodeb; the gate's start hangs there.
      const outcome = await c.admin(NODE_B, 'takeover', 90_000);
      expect(outcome).toMatchObject({ completed: true, ok: false });
      expect(outcome.message).toContain(`${c.group} failed to start on nodeb`);
      await c.waitStatus(NODE_B, 'the group failed on nodeb', (d) => d.groups[0]?.localState === 'failed', 30_000);
      const logB = (await c.log(NODE_B)).slice(markB);
      expect(logB).toMatch(/failed to start at Dummy::gate: timed out after/);
      expect(memberOps(logB)).toEqual(['IPaddr2 start', 'IPaddr2 start: ok', 'Dummy start', 'Dummy start: timedOut', 'Dummy stop', 'Dummy stop: ok', 'IPaddr2 stop', 'IPaddr2 stop: ok']);
      const took = /Dummy::gate start: timedOut, no exit code in ([\d.]+) s/.exec(logB);
      expect(took).not.toBeNull();
      expect(Number(took?.[1]) * 1000).toBeGreaterThanOrEqual(DEFAULT_AGENT_SETTINGS.startTimeoutMs - 50);
      expect(Number(took?.[1]) * 1000).toBeLessThan(DEFAULT_AGENT_SETTINGS.startTimeoutMs + 5000);
      // The hung agent was killed with its process group: nothing of it is left on nodeb.
      expect(await dummyProcesses(c, NODE_B)).toEqual([]);
      expect(c.mounts.timeline.segments(t0).some((seg) => seg.holders.includes(NODE_B))).toBe(false);
      const docA = await c.waitStatus(NODE_A, 'nodea holding the group again', (d) => d.groups[0]?.localState === 'started', 30_000);
      expect(docA.groups[0]?.owner).toBe(NODE_A);
      const backAt = monotonicMs();
      const served = await c.counter.waitFor('a value from nodea again', (s) => s.node === NODE_A, backAt, 20_000);
      c.record(name, 'Dummy start killed after', Number(took?.[1]) * 1000);
      c.record(name, 'takeover → group started on nodea again (after the hung start on nodeb)', backAt - t0);
      c.record(name, 'longest counter outage', longestOutageMs(c.counter.samples, t0, served.doneAtMs));
      await c.lab.faults.clearAgentFaults(NODE_B);
      expect((await c.hbctl(NODE_B, ['cleanup', c.group, '--json'])).code).toBe(0);
      await c.settle(NODE_A);
    },
    120_000,
  );

  suite.scenario(
    'a stop fails on nodea (Dummy::gate): the group is unclean and is started nowhere else — no double start — until the operator has stopped it by hand and run hbctl cleanup',
    async (c) => {
      const name = 'stop fails (unclean)';
      await c.baseline();
      await c.lab.faults.agentFaults(NODE_A, { fail: 'stop', resource: GATE_DUMMY });
      const markA = (await c.log(NODE_A)).length;
      const markB = (await c.log(NODE_B)).length;
      const lastA = c.counter.samples.filter((s) => s.node === NODE_A).pop();
      const t0 = monotonicMs();
      // The operator asks for a move; the stop on nodea fails (and its retries).
      const outcome = await c.admin(NODE_A, 'standby');
      expect(outcome).toMatchObject({ completed: true, ok: false, moved: [] });
      expect(outcome.message).toContain(`${c.group} could not be stopped on nodea (unclean)`);
      const docA = await c.waitStatus(NODE_A, 'the group unclean on nodea', (d) => d.groups[0]?.localState === 'unclean', 20_000);
      const uncleanAt = monotonicMs();
      expect(docA.groups[0]?.members.map((m) => `${m.token.split('::')[0]} ${m.state}`)).toEqual(['IPaddr2 started', 'Dummy failed', 'Filesystem stopped', 'labcounter stopped']);
      const logA = (await c.log(NODE_A)).slice(markA);
      expect(logA).toMatch(new RegExp(`group \\S+ is UNCLEAN: stopping Dummy::${GATE_DUMMY} failed ${DEFAULT_AGENT_SETTINGS.stopRetries + 1} times`));
      expect(memberOps(logA).filter((op) => op.endsWith('stop') || op.includes('stop:'))).toEqual([
        'labcounter stop',
        'labcounter stop: ok',
        'Filesystem stop',
        'Filesystem stop: ok',
        ...Array.from({ length: DEFAULT_AGENT_SETTINGS.stopRetries + 1 }, () => ['Dummy stop', 'Dummy stop: failed']).flat(),
      ]);
      // What is left on nodea: the members left of the gate (the VIP) and the gate itself.
      expect(await c.hasVip(NODE_A)).toBe(true);
      expect(await c.gateRunning(NODE_A)).toBe(true);
      expect(await c.hasDisk(NODE_A)).toBe(false);
      // nodeb knows and refuses: blocked by nodea's unclean group.
      const docB = await c.waitStatus(NODE_B, 'nodeb to see the group blocked by nodea', (d) => d.groups[0]?.blockedBy?.node === NODE_A, 10_000);
      expect(docB.groups[0]).toMatchObject({ localState: 'stopped', blockedBy: { node: NODE_A, why: 'unclean' } });
      c.record(name, 'standby → group unclean on nodea', uncleanAt - t0);
      // No double start: for several deadtimes, nothing of the group starts on nodeb.
      while (monotonicMs() - uncleanAt < DEADTIME_MS * 3) await sleep(200);
      expect(memberOps((await c.log(NODE_B)).slice(markB))).toEqual([]);
      expect(await c.hasVip(NODE_B)).toBe(false);
      expect(c.mounts.timeline.segments(t0).some((seg) => seg.holders.includes(NODE_B))).toBe(false);
      expect(c.counter.samples.filter((s) => s.sentAtMs >= uncleanAt && s.value !== null)).toEqual([]);
      expect((await c.status(NODE_B)).groups[0]).toMatchObject({ localState: 'stopped', blockedBy: { node: NODE_A, why: 'unclean' } });

      // The operator makes sure: the agent is fixed, the group stopped by hand on nodea (right to left)…
      await c.lab.faults.clearAgentFaults(NODE_A);
      const stops = await c.stopGroupByHand(NODE_A);
      expect(stops.map((r) => r.code)).toEqual([0, 0, 0, 0]);
      expect(await c.hasVip(NODE_A)).toBe(false);
      expect(await c.gateRunning(NODE_A)).toBe(false);
      // …then tells hbd. The group starts again, on exactly one node, and the data continues.
      const cleanedAt = monotonicMs();
      const cleanup = await c.hbctl(NODE_A, ['cleanup', c.group, '--json'], 60_000);
      expect(cleanup.code).toBe(0);
      const served = await c.counter.waitFor('a value after the cleanup', (s) => s.value !== null, cleanedAt, 30_000);
      expect(served.value).toBeGreaterThan(lastA?.value ?? 0);
      const owner = served.node as string;
      await c.settle(owner);
      c.record(name, `cleanup → group serving again (on ${owner})`, served.doneAtMs - cleanedAt);
      c.record(name, 'counter outage (standby → served again; includes the operator)', served.doneAtMs - t0);
    },
    150_000,
  );
});
