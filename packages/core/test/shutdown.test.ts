import { describe, expect, test } from '@jest/globals';
import { step } from '../src';
import { group, makeConfig } from './fixtures';
import { Pump } from './pump';

const A = 'IPaddr::10.0.0.100'; // preferred nodea
const B = 'IPaddr::10.0.0.101'; // preferred nodeb

describe('graceful shutdown', () => {
  test('stops local groups right to left, hands them over, says leaving, then reports shutdownCompleted', () => {
    const p = new Pump(makeConfig());
    p.bootAll();
    p.run(5000);
    const t0 = p.now;
    p.input('nodea', { kind: 'shutdownRequested', nowMs: t0 });
    p.run(3000);
    expect(p.eventsOf('shutdownStarted', 'nodea')[0]).toMatchObject({ holding: [A] });
    const stops = p.ops.filter((o) => o.node === 'nodea' && o.action === 'stop' && o.phase === 'issued').map((o) => o.resource);
    expect(stops).toEqual(['nginx', A]);
    // The peer takes over at once (not after deadtime), after the stop.
    const taken = p.eventsOf('groupTakeoverStarted', 'nodeb').find((e) => e.group === A)!;
    expect(taken.atMs - t0).toBeLessThan(1000);
    expect(taken.reason).toBe('nodea released it (shutdown); no ping nodes configured');
    expect(p.fullyOn(A)).toEqual(['nodeb']);
    expect(p.eventsOf('peerLeaving', 'nodeb')).toHaveLength(1);
    const done = p.eventsOf('shutdownCompleted', 'nodea');
    expect(done).toHaveLength(1);
    expect(done[0]!.atMs - t0).toBeLessThan(1000);
    expect(p.view('nodea').status).toBe('stopped');
    // A stopped engine does nothing more.
    const r = step(p.state('nodea'), { kind: 'timer', nowMs: p.now + 10_000 });
    expect(r.effects).toEqual([]);
    // The peer later declares it dead, quietly: it gave everything up.
    p.crash('nodea');
    p.run(8000);
    expect(p.eventsOf('peerDeclaredDead', 'nodeb')).toHaveLength(1);
    expect(p.fullyOn(A)).toEqual(['nodeb']);
  });

  test('a shutdown during a start waits for the running operation, then stops what was started', () => {
    const p = new Pump(makeConfig({ groups: [group('nodea', A, 'Filesystem::/dev/sdb1::/srv', 'nginx')], nodes: ['nodea'] }));
    p.opLatencyMs = 500;
    p.boot('nodea');
    p.run(700); // IPaddr started, Filesystem starting
    p.input('nodea', { kind: 'shutdownRequested', nowMs: p.now });
    p.run(5000);
    const seq = p.ops.filter((o) => o.phase === 'issued' && o.action !== 'status').map((o) => `${o.action} ${o.resource.split('::')[0]}`);
    expect(seq).toEqual(['start IPaddr', 'start Filesystem', 'stop Filesystem', 'stop IPaddr']);
    expect(p.eventsOf('shutdownCompleted')).toHaveLength(1);
  });

  test('without any live peer, shutdown completes as soon as the groups are stopped', () => {
    const p = new Pump(makeConfig());
    p.boot('nodea');
    p.run(13_000);
    p.input('nodea', { kind: 'shutdownRequested', nowMs: p.now });
    p.run(1000);
    expect(p.eventsOf('shutdownCompleted')).toHaveLength(1);
    expect(p.holders(A)).toEqual([]);
    expect(p.holders(B)).toEqual([]);
  });

  test('admin requests pending at shutdown are completed with a reason', () => {
    const p = new Pump(makeConfig());
    p.opLatencyMs = 2000;
    p.bootAll();
    p.run(10_000);
    const id = p.adminRequest('nodea', { command: 'standby', scope: 'all' });
    p.input('nodea', { kind: 'shutdownRequested', nowMs: p.now });
    const done = p.admin.find((a) => a.effect.requestId === id)!.effect;
    expect(done.ok).toBe(false);
    expect(done.message).toContain('nodea is shutting down');
  });
});
