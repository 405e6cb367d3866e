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
    expect(p.view('nodea').groups[1]!.blockedBy).toBeUndefined();
    expect(p.fullyOn(B)).toEqual(['nodeb']);
    // So a hand-over to nodea is not stranded by the stale marker.
    const id = p.adminRequest('nodeb', { command: 'standby', scope: 'local' });
    p.run(20_000);
    expect(p.admin.find((a) => a.effect.requestId === id)!.effect.ok).toBe(true);
    expect(p.fullyOn(B)).toEqual(['nodea']);
  });
});
