import { describe, expect, test } from '@jest/globals';
import type { AdminScope } from '../src';
import { makeConfig } from './fixtures';
import { Pump } from './pump';

const A = 'IPaddr::10.0.0.100'; // preferred nodea
const B = 'IPaddr::10.0.0.101'; // preferred nodeb

/** Both nodes up, each with its own group; or, with `swapped`, each holding the other's group. */
function settled(swapped = false): Pump {
  const p = new Pump(makeConfig({ autoFailback: 'off' }));
  p.bootAll();
  p.run(5000);
  if (swapped) {
    p.adminRequest('nodea', { command: 'standby', scope: 'all' });
    p.run(3000);
    p.adminRequest('nodea', { command: 'takeover', scope: 'foreign' });
    p.run(3000);
    expect([p.fullyOn(A), p.fullyOn(B)]).toEqual([['nodeb'], ['nodea']]);
    p.admin.length = 0;
  }
  return p;
}

function where(p: Pump): string {
  return `A:${p.fullyOn(A).join('+') || '-'} B:${p.fullyOn(B).join('+') || '-'}`;
}

describe('hb_standby (relative to the node it runs on)', () => {
  // Start: each node holds its own group, or (swapped) the other's.
  const cases: { scope: AdminScope; swapped: boolean; after: string; moved: string[] }[] = [
    { scope: 'all', swapped: false, after: 'A:nodeb B:nodeb', moved: [`${A} nodea → nodeb`] },
    { scope: 'local', swapped: false, after: 'A:nodeb B:nodeb', moved: [`${A} nodea → nodeb`] },
    { scope: 'foreign', swapped: false, after: 'A:nodea B:nodeb', moved: [] },
    { scope: 'failback', swapped: false, after: 'A:nodea B:nodeb', moved: [] },
    { scope: 'all', swapped: true, after: 'A:nodeb B:nodeb', moved: [`${B} nodea → nodeb`] },
    { scope: 'local', swapped: true, after: 'A:nodeb B:nodea', moved: [] },
    { scope: 'foreign', swapped: true, after: 'A:nodeb B:nodeb', moved: [`${B} nodea → nodeb`] },
    { scope: 'failback', swapped: true, after: 'A:nodeb B:nodeb', moved: [`${B} nodea → nodeb`] },
  ];
  test.each(cases)('hb_standby $scope on nodea (swapped: $swapped) → $after', ({ scope, swapped, after, moved }) => {
    const p = settled(swapped);
    const id = p.adminRequest('nodea', { command: 'standby', scope });
    p.run(5000);
    expect(where(p)).toBe(after);
    const done = p.admin.find((a) => a.effect.requestId === id)!;
    expect(done.effect.ok).toBe(true);
    expect(done.effect.moved.map((m) => `${m.group} ${m.from} → ${m.to}`)).toEqual(moved);
    if (moved.length > 0) expect(done.atMs - 0).toBeGreaterThan(0);
  });

  test('standby completes within about the stop and start times, and reports what moved', () => {
    const p = settled();
    const t0 = p.now;
    const id = p.adminRequest('nodea', { command: 'standby', scope: 'all' });
    p.run(5000);
    const done = p.admin.find((a) => a.effect.requestId === id)!;
    // stop 2 members + the announced start (1.5 keepalives) + start 2 members at 100 ms each, plus latency.
    expect(done.atMs - t0).toBeLessThan(2000);
    expect(done.effect.message).toMatch(/^hb_standby all on nodea \(\d+\.\d s\): moved IPaddr::10\.0\.0\.100 nodea → nodeb$/);
  });

  test('standby with the peer dead keeps the groups and says so (Heartbeat: "No reply to standby request")', () => {
    const p = settled();
    p.crash('nodeb');
    p.run(8000);
    const id = p.adminRequest('nodea', { command: 'standby', scope: 'all' });
    p.run(3000);
    const done = p.admin.find((a) => a.effect.requestId === id)!;
    expect(done.effect.ok).toBe(false);
    expect(done.effect.message).toMatch(/no other node can take it \(nodeb is dead\); it stays here/);
    expect(where(p)).toBe('A:nodea B:nodea');
  });

  test('standby is sticky: auto_failback on does not pull the groups back', () => {
    const p = new Pump(makeConfig({ autoFailback: 'on' }));
    p.bootAll();
    p.run(5000);
    p.adminRequest('nodea', { command: 'standby', scope: 'all' });
    p.run(30_000);
    expect(where(p)).toBe('A:nodeb B:nodeb');
  });

  test('standby while still starting is refused with a reason', () => {
    const p = new Pump(makeConfig());
    p.boot('nodea');
    const id = p.adminRequest('nodea', { command: 'standby', scope: 'all' });
    const done = p.admin.find((a) => a.effect.requestId === id)!;
    expect(done.effect).toMatchObject({ ok: false, message: 'nodea is still starting (waiting to hear every node or initdead)' });
  });
});

describe('hb_takeover (relative to the node it runs on)', () => {
  const cases: { scope: AdminScope; swapped: boolean; after: string }[] = [
    { scope: 'all', swapped: false, after: 'A:nodea B:nodea' },
    { scope: 'local', swapped: false, after: 'A:nodea B:nodeb' },
    { scope: 'foreign', swapped: false, after: 'A:nodea B:nodea' },
    // D5: Heartbeat's `hb_takeover failback` acts as `all`; ours takes back only our own groups.
    { scope: 'failback', swapped: false, after: 'A:nodea B:nodeb' },
    { scope: 'all', swapped: true, after: 'A:nodea B:nodea' },
    { scope: 'local', swapped: true, after: 'A:nodea B:nodea' },
    { scope: 'foreign', swapped: true, after: 'A:nodeb B:nodea' },
    { scope: 'failback', swapped: true, after: 'A:nodea B:nodea' },
  ];
  test.each(cases)('hb_takeover $scope on nodea (swapped: $swapped) → $after', ({ scope, swapped, after }) => {
    const p = settled(swapped);
    const id = p.adminRequest('nodea', { command: 'takeover', scope });
    p.run(5000);
    expect(where(p)).toBe(after);
    const done = p.admin.find((a) => a.effect.requestId === id)!;
    expect(done.effect.ok).toBe(true);
    for (const m of done.effect.moved) expect(m.to).toBe('nodea');
  });

  test('hb_takeover failback on the swapped pair moves only the local group', () => {
    const p = settled(true);
    const id = p.adminRequest('nodea', { command: 'takeover', scope: 'failback' });
    p.run(5000);
    const done = p.admin.find((a) => a.effect.requestId === id)!;
    expect(done.effect.moved).toEqual([{ group: A, from: 'nodeb', to: 'nodea' }]);
    expect(where(p)).toBe('A:nodea B:nodea');
    // ... whereas `all` reports the group that was already here.
    const id2 = p.adminRequest('nodea', { command: 'takeover', scope: 'all' });
    p.run(3000);
    expect(p.admin.find((a) => a.effect.requestId === id2)!.effect.message).toBe(`nothing to take over: ${A} already here, ${B} already here`);
  });

  test('takeover is refused without ping quorum, and when the peer reaches more ping targets', () => {
    const gw = { name: '10.0.0.1', kind: 'ping' as const, addresses: ['10.0.0.1'] };
    const gw2 = { name: '10.0.0.2', kind: 'ping' as const, addresses: ['10.0.0.2'] };
    const p = new Pump(makeConfig({ pingTargets: [gw, gw2], autoFailback: 'off' }));
    p.bootAll();
    p.run(5000);
    p.pingDown.add('nodea@10.0.0.2');
    p.run(8000);
    const id = p.adminRequest('nodea', { command: 'takeover', scope: 'all' });
    expect(p.admin.find((a) => a.effect.requestId === id)!.effect).toMatchObject({
      ok: false,
      message: 'refused: nodea reaches 1/2 ping targets, another node reaches 2 (ipfail would move the groups straight back)',
    });
    p.pingDown.add('nodea');
    p.run(8000);
    const id2 = p.adminRequest('nodea', { command: 'takeover', scope: 'all' });
    expect(p.admin.find((a) => a.effect.requestId === id2)!.effect).toMatchObject({ ok: false, message: 'refused: nodea reaches no ping target (0/2)' });
    expect(where(p)).toBe('A:nodeb B:nodeb');
  });

  test('takeover of a group that failed here asks for a cleanup first', () => {
    const p = new Pump(makeConfig({ autoFailback: 'off' }));
    p.agent = (node, op) => (node === 'nodea' && op.action === 'start' && op.group === A ? { outcome: 'failed' } : undefined);
    p.bootAll();
    p.run(5000);
    expect(where(p)).toBe('A:nodeb B:nodeb');
    const id = p.adminRequest('nodea', { command: 'takeover', scope: 'local' });
    p.run(1000);
    expect(p.admin.find((a) => a.effect.requestId === id)!.effect).toMatchObject({
      ok: false,
      message: `hb_takeover local on nodea (0.0 s): ${A} is failed on nodea: hbctl cleanup ${A} first`,
    });
  });
});

describe('takeover while the holder is busy', () => {
  test('a takeover that reaches the holder while it restarts the group in place is honoured afterwards', () => {
    const p = new Pump(makeConfig({ autoFailback: 'off', monitorIntervalMs: 2000 }));
    p.opLatencyMs = 400;
    p.bootAll();
    p.run(3000);
    p.running['nodea']!.delete(`${A}#1`); // nginx dies on nodea
    // Wait until nodea is stopping the group to restart it, then take it over from nodeb.
    for (let i = 0; i < 100 && p.view('nodea').groups[0]!.localState !== 'stopping'; i++) p.run(20);
    expect(p.view('nodea').groups[0]!.localState).toBe('stopping');
    const id = p.adminRequest('nodeb', { command: 'takeover', scope: 'all' });
    p.run(8000);
    expect(where(p)).toBe('A:nodeb B:nodeb');
    const done = p.admin.find((a) => a.effect.requestId === id)!.effect;
    expect(done).toMatchObject({ ok: true, moved: [{ group: A, from: 'nodea', to: 'nodeb' }] });
  });
});

describe('cleanup', () => {
  test('cleanup of an unknown group says which groups exist', () => {
    const p = settled();
    const id = p.adminRequest('nodea', { command: 'cleanup', group: 'nope' });
    expect(p.admin.find((a) => a.effect.requestId === id)!.effect).toMatchObject({ ok: false, message: `no such group: nope (groups: ${A}, ${B})` });
  });
});
