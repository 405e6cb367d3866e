// What we remember about a peer's failed stop (unclean) and what makes us forget it.

import { describe, expect, test } from '@jest/globals';
import { makeConfig } from './fixtures';
import { Pump } from './pump';

const B = 'IPaddr::10.0.0.101'; // preferred nodeb: IPaddr, mysqld

describe('a peer\'s unclean group', () => {
  test('is forgotten when a later incarnation of the peer, past its start-up probe, no longer claims it: a hand-over to us then works', () => {
    const p = new Pump(makeConfig({ stopRetriesMax: 0 }));
    let failStops = true;
    p.agent = (node, op) => (node === 'nodeb' && op.action === 'stop' && op.resource.token === 'mysqld' && failStops ? { outcome: 'failed' } : undefined);
    p.bootAll();
    p.run(20_000);
    expect(p.fullyOn(B)).toEqual(['nodeb']);
    // hb_standby on nodeb: mysqld does not stop, B is unclean on nodeb and stays there.
    p.adminRequest('nodeb', { command: 'standby', scope: 'local' });
    p.run(10_000);
    expect(p.view('nodea').groups[1]!.blockedBy).toEqual({ node: 'nodeb', why: 'unclean' });
    // nodeb loses power and boots again: its start-up probe finds nothing running.
    p.crash('nodeb');
    failStops = false;
    p.boot('nodeb');
    p.run(30_000);
    expect(p.view('nodeb').status).toBe('active');
    expect(p.fullyOn(B)).toEqual(['nodeb']);
    // While nodeb runs B, nodea cannot tell a fresh copy from an adopted stuck one: it remembers.
    expect(p.view('nodea').groups[1]!.blockedBy).toEqual({ node: 'nodeb', why: 'unclean' });
    // Once nodeb stops it cleanly, the marker goes: a hand-over to nodea is not stranded by it.
    const id = p.adminRequest('nodeb', { command: 'standby', scope: 'local' });
    p.run(20_000);
    expect(p.admin.find((a) => a.effect.requestId === id)!.effect.ok).toBe(true);
    expect(p.fullyOn(B)).toEqual(['nodea']);
    expect(p.view('nodea').groups[1]!.blockedBy).toBeUndefined();
  });

  test('is remembered while a later incarnation runs a copy it adopted at start-up (the stuck one)', () => {
    const p = new Pump(makeConfig({ stopRetriesMax: 0 }));
    p.agent = (node, op) => (node === 'nodeb' && op.action === 'stop' && op.resource.token === 'mysqld' ? { outcome: 'failed' } : undefined);
    p.bootAll();
    p.run(20_000);
    p.adminRequest('nodeb', { command: 'standby', scope: 'local' });
    p.run(10_000);
    // kill -9 of hbd on nodeb: mysqld (and the IP) keep running; the new hbd adopts them.
    p.crash('nodeb', true);
    p.boot('nodeb');
    p.run(30_000);
    expect(p.view('nodeb').status).toBe('active');
    expect(p.eventsOf('groupFoundRunning', 'nodeb').map((e) => e.action)).toEqual(['adopt']);
    expect(p.view('nodea').groups[1]!.blockedBy).toEqual({ node: 'nodeb', why: 'unclean' });
    // nodeb dies for good: nodea still does not start B next to the stuck copy.
    p.crash('nodeb', true);
    p.run(20_000);
    expect(p.ops.filter((o) => o.node === 'nodea' && o.group === B && o.action === 'start')).toEqual([]);
  });
});
