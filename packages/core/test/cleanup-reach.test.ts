// An operator cleanup must reach every node, also those its node could not hear at that instant.

import { describe, expect, test } from '@jest/globals';
import type { PingTarget } from '@hbd/config';
import { group, makeConfig } from './fixtures';
import { Pump } from './pump';

const G = 'IPaddr::10.0.0.100';
const gw: PingTarget = { name: '10.0.0.1', kind: 'ping', addresses: ['10.0.0.1'] };

describe('cleanup', () => {
  test('is refused while the node is still starting', () => {
    const p = new Pump(makeConfig({ groups: [group('nodea', G, 'nginx')] }));
    p.boot('nodea');
    p.run(1000);
    const id = p.adminRequest('nodea', { command: 'cleanup', group: G });
    const done = p.admin.find((a) => a.effect.requestId === id)!.effect;
    expect(done.ok).toBe(false);
    expect(done.message).toBe('nodea is still starting (waiting to hear every node or initdead): run the cleanup when it is active');
  });

  test('a peer that was not heard at the cleanup is told when it is heard again, and stops blocking the group', () => {
    const p = new Pump(makeConfig({ nodes: ['nodea', 'nodeb', 'nodec'], pingTargets: [gw], autoFailback: 'off', stopRetriesMax: 0, groups: [group('nodec', G, 'nginx')] }));
    let failStops = false;
    p.agent = (node, op) => (node === 'nodea' && op.action === 'stop' && op.resource.token === 'nginx' && failStops ? { outcome: 'failed' } : undefined);
    p.bootAll();
    p.run(20_000);
    expect(p.fullyOn(G)).toEqual(['nodec']);
    p.adminRequest('nodec', { command: 'standby', scope: 'local' });
    p.run(20_000);
    expect(p.fullyOn(G)).toEqual(['nodea']);
    // nodea cannot stop nginx (unclean), then loses power: nodeb and nodec remember it.
    failStops = true;
    p.adminRequest('nodea', { command: 'standby', scope: 'all' });
    p.run(10_000);
    p.crash('nodea');
    p.run(10_000);
    expect(p.view('nodec').groups[0]!.blockedBy).toEqual({ node: 'nodea', why: 'unclean' });
    // nodeb and nodec cannot hear each other (and nodeb has no ping reach) when the operator,
    // having checked nodea, cleans the group up on nodeb.
    p.cut('nodeb', 'nodec');
    p.pingDown.add('nodeb');
    p.run(10_000);
    const id = p.adminRequest('nodeb', { command: 'cleanup', group: G });
    expect(p.admin.find((a) => a.effect.requestId === id)!.effect.message).toBe(`cleared ${G} (unclean on nodea); will tell nodea, nodec when heard`);
    expect(p.view('nodec').groups[0]!.blockedBy).toEqual({ node: 'nodea', why: 'unclean' });
    p.heal();
    p.pingDown.clear();
    p.run(20_000);
    // nodec heard the cleanup and runs its group again.
    expect(p.view('nodec').groups[0]!.blockedBy).toBeUndefined();
    expect(p.fullyOn(G)).toEqual(['nodec']);
  });
});
