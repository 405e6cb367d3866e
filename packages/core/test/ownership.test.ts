import { describe, expect, test } from '@jest/globals';
import type { AutoFailback } from '@hbd/config';
import { group, makeConfig } from './fixtures';
import { Pump } from './pump';

const A = 'IPaddr::10.0.0.100'; // preferred nodea
const B = 'IPaddr::10.0.0.101'; // preferred nodeb

/** Run in small slices and fail as soon as a group runs (even partly) on two nodes. */
function runSafely(p: Pump, ms: number, groups: readonly string[] = [A, B]): void {
  const end = p.now + ms;
  while (p.now < end) {
    p.run(Math.min(50, end - p.now));
    for (const g of groups) {
      const h = p.holders(g);
      if (h.length > 1) throw new Error(`${g} on ${h.join(' and ')} at ${p.now}\n${p.timeline()}`);
    }
  }
}

describe('start-up placement', () => {
  test('alone: after initdead the node takes every group (the dead peer’s too), left to right', () => {
    const p = new Pump(makeConfig());
    p.boot('nodea');
    runSafely(p, 14_000);
    expect(p.fullyOn(A)).toEqual(['nodea']);
    expect(p.fullyOn(B)).toEqual(['nodea']);
    const starts = p.ops.filter((o) => o.phase === 'issued' && o.group === B && o.action === 'start').map((o) => `${o.action} ${o.resource} @${o.atMs}`);
    // Decided at initdead (12 s), announced, and run at once: no live peer has to see the announcement.
    expect(starts).toEqual([`start ${B} @12000`, 'start mysqld @12100']);
    expect(p.eventsOf('groupTakeoverStarted').find((e) => e.group === B)!.atMs).toBe(12000);
    const takeover = p.eventsOf('groupTakeoverStarted').find((e) => e.group === B)!;
    expect(takeover.reason).toBe('preferred node nodeb dead; no ping nodes configured');
  });

  test('together: each node takes its own groups and nothing else', () => {
    const p = new Pump(makeConfig());
    p.bootAll();
    runSafely(p, 15_000);
    expect(p.fullyOn(A)).toEqual(['nodea']);
    expect(p.fullyOn(B)).toEqual(['nodeb']);
    expect(p.eventsOf('groupTakeoverStarted')).toHaveLength(2);
  });

  test('a node that joins a running cluster with auto_failback off takes nothing', () => {
    const p = new Pump(makeConfig({ autoFailback: 'off' }));
    p.boot('nodea');
    runSafely(p, 14_000);
    p.boot('nodeb');
    runSafely(p, 30_000);
    expect(p.fullyOn(B)).toEqual(['nodea']);
    expect(p.eventsOf('groupTakeoverStarted', 'nodeb')).toHaveLength(0);
    expect(p.view('nodeb').groups.map((g) => g.owner)).toEqual(['nodea', 'nodea']);
  });
});

describe('node death', () => {
  test('the survivor takes the dead node’s groups deadtime after its last packet, and says why', () => {
    const p = new Pump(makeConfig());
    p.bootAll();
    runSafely(p, 5000);
    const last = p.view('nodeb').nodes[0]!.lastHeardAtMs!;
    p.crash('nodea');
    runSafely(p, 8000);
    expect(p.fullyOn(A)).toEqual(['nodeb']);
    const t = p.eventsOf('groupTakeoverStarted', 'nodeb').find((e) => e.group === A)!;
    expect(t.atMs).toBe(last + 6000);
    expect(t).toMatchObject({ from: 'nodea', reason: 'nodea dead for 6.0 s; no ping nodes configured' });
  });

  test('three nodes: the dead node’s groups go to its preferred node if alive, else the first alive node in `node` order', () => {
    const config = makeConfig({
      nodes: ['nodea', 'nodeb', 'nodec'],
      groups: [group('nodea', 'IPaddr::10.0.0.100', 'nginx'), group('nodeb', 'IPaddr::10.0.0.101'), group('nodec', 'IPaddr::10.0.0.102')],
    });
    const p = new Pump(config);
    p.bootAll();
    const all = ['IPaddr::10.0.0.100', 'IPaddr::10.0.0.101', 'IPaddr::10.0.0.102'];
    runSafely(p, 5000, all);
    expect(all.map((g) => p.fullyOn(g))).toEqual([['nodea'], ['nodeb'], ['nodec']]);
    p.crash('nodea');
    runSafely(p, 10_000, all);
    expect(p.fullyOn('IPaddr::10.0.0.100')).toEqual(['nodeb']);
    p.crash('nodeb');
    runSafely(p, 10_000, all);
    expect(all.map((g) => p.fullyOn(g))).toEqual([['nodec'], ['nodec'], ['nodec']]);
    // nodea comes back: auto_failback on returns its group (and only its group) once it is stable.
    // (nodea waits initdead for nodeb, which it never hears, then the soak period.)
    p.boot('nodea');
    runSafely(p, 25_000, all);
    expect(all.map((g) => p.fullyOn(g))).toEqual([['nodea'], ['nodec'], ['nodec']]);
  });
});

describe('auto_failback', () => {
  const cases: { mode: AutoFailback; backOnA: boolean; maxDelayMs: number }[] = [
    { mode: 'on', backOnA: true, maxDelayMs: 9000 },
    { mode: 'legacy', backOnA: true, maxDelayMs: 3000 },
    { mode: 'off', backOnA: false, maxDelayMs: 0 },
  ];
  test.each(cases)('auto_failback $mode: nodea returns after a crash → its group back: $backOnA', ({ mode, backOnA, maxDelayMs }) => {
    const p = new Pump(makeConfig({ autoFailback: mode }));
    p.bootAll();
    runSafely(p, 5000);
    p.crash('nodea');
    runSafely(p, 8000);
    expect(p.fullyOn(A)).toEqual(['nodeb']);
    const bootAt = p.now;
    p.boot('nodea');
    runSafely(p, 30_000);
    expect(p.fullyOn(A)).toEqual([backOnA ? 'nodea' : 'nodeb']);
    expect(p.fullyOn(B)).toEqual(['nodeb']);
    if (backOnA) {
      const started = p.eventsOf('groupStarted', 'nodea').find((e) => e.group === A)!;
      expect(started.atMs - bootAt).toBeLessThanOrEqual(maxDelayMs);
      const release = p.eventsOf('groupReleaseStarted', 'nodeb').find((e) => e.group === A)!;
      expect(release.reason).toMatch(new RegExp(`^auto_failback ${mode}: preferred node nodea active for \\d+\\.\\d s$`));
    }
  });

  test('auto_failback on waits for the soak period (deadtime) before moving a group back', () => {
    const p = new Pump(makeConfig());
    p.boot('nodeb');
    runSafely(p, 14_000);
    expect(p.fullyOn(A)).toEqual(['nodeb']);
    p.boot('nodea');
    runSafely(p, 5000);
    expect(p.fullyOn(A)).toEqual(['nodeb']);
    runSafely(p, 5000);
    expect(p.fullyOn(A)).toEqual(['nodea']);
    const release = p.eventsOf('groupReleaseStarted', 'nodeb').find((e) => e.group === A)!;
    const activeAt = p.eventsOf('communicationsUp', 'nodea')[0]!.atMs;
    expect(release.atMs - activeAt).toBeGreaterThanOrEqual(6000);
    expect(release.atMs - activeAt).toBeLessThan(6000 + 1000);
  });
});

describe('hand-over', () => {
  test('the new node starts only after the old node reported the group stopped', () => {
    const p = new Pump(makeConfig());
    p.opLatencyMs = 700; // slow agents make an early start visible
    p.boot('nodeb');
    runSafely(p, 14_000);
    p.boot('nodea');
    runSafely(p, 20_000);
    const lastStopDone = p.ops.filter((o) => o.node === 'nodeb' && o.group === A && o.action === 'stop' && o.phase === 'done').pop()!;
    const firstStart = p.ops.find((o) => o.node === 'nodea' && o.group === A && o.action === 'start')!;
    expect(lastStopDone.resource).toBe(A); // stopped right to left: the IP last
    expect(firstStart.atMs).toBeGreaterThan(lastStopDone.atMs);
    expect(p.eventsOf('groupTakeoverStarted', 'nodea')[0]!.reason).toBe('nodeb released it (failback); no ping nodes configured');
  });

  test('a lost groupReleased is resent every keepalive until acknowledged', () => {
    const p = new Pump(makeConfig());
    p.boot('nodeb');
    runSafely(p, 14_000);
    p.boot('nodea');
    p.dropTypes.add('groupReleased');
    runSafely(p, 7200); // the failback hand-over happens in here
    const lost = p.sent.filter((x) => x.type === 'groupReleased' && x.from === 'nodeb');
    expect(lost.length).toBeGreaterThanOrEqual(1);
    runSafely(p, 3000);
    const resent = p.sent.filter((x) => x.type === 'groupReleased' && x.from === 'nodeb');
    expect(resent.length).toBeGreaterThanOrEqual(lost.length + 2);
    expect(resent.every((x, i) => i === 0 || x.atMs - resent[i - 1]!.atMs >= 1000)).toBe(true);
    p.dropTypes.clear();
    runSafely(p, 2000);
    const acked = p.sent.filter((x) => x.type === 'groupReleased' && x.from === 'nodeb').length;
    runSafely(p, 5000);
    expect(p.sent.filter((x) => x.type === 'groupReleased' && x.from === 'nodeb')).toHaveLength(acked);
    expect(p.sent.filter((x) => x.type === 'ack' && x.from === 'nodea').length).toBeGreaterThanOrEqual(1);
    expect(p.fullyOn(A)).toEqual(['nodea']);
  });

  test('reordered heartbeats cannot resurrect an old claim', () => {
    const p = new Pump(makeConfig());
    p.bootAll();
    runSafely(p, 5000);
    const st = p.state('nodea');
    const seq = st.nodes[1]!.stateSeq;
    expect(seq).toBeGreaterThan(0);
    // A stale heartbeat from nodeb (older stateSeq) that claims A's group must be ignored.
    p.input('nodea', {
      kind: 'packetReceived',
      nowMs: p.now,
      from: 'nodeb',
      link: 'eth0',
      generation: st.nodes[1]!.generation,
      message: { type: 'heartbeat', status: 'active', pingReachable: 0, claims: [{ group: A, state: 'started', epoch: 9 }], stateSeq: seq - 1 },
    });
    expect(p.eventsOf('splitBrainDetected')).toHaveLength(0);
    expect(p.view('nodea').groups[0]!.owner).toBe('nodea');
  });
});
