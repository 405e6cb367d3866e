// A fence proves only the incarnation it hit: a node that was frozen while its fence ran must not
// take the group over on the fence's word alone when the victim has rebooted and runs it again.

import { describe, expect, test } from '@jest/globals';
import { group, makeConfig } from './fixtures';
import { Pump } from './pump';

describe('after a local stall', () => {
  test('a fence result that arrived while we were frozen does not start the group next to the rebooted victim', () => {
    const p = new Pump(makeConfig({ stonithHosts: ['* external/ssh nodea nodeb'], groups: [group('nodea', 'IPaddr::10.0.0.100')] }));
    p.bootAll();
    p.run(20_000);
    expect(p.fullyOn('IPaddr::10.0.0.100')).toEqual(['nodea']);
    // nodeb stops hearing nodea: declares nodea dead and fences it; nodeb freezes right after.
    p.cut('nodea', 'nodeb', false);
    for (let k = 0; k < 200 && p.fences.length === 0; k++) p.run(50);
    expect(p.fences).toEqual([expect.objectContaining({ by: 'nodeb', node: 'nodea' })]);
    p.pause('nodeb');
    p.fenceSucceeds = false; // nodea cannot fence nodeb in turn
    p.run(1000);
    // nodea reboots (the reset), hears nobody, and the operator vouches for the group there.
    p.heal();
    p.boot('nodea');
    p.run(20_000);
    p.adminRequest('nodea', { command: 'cleanup', group: 'IPaddr::10.0.0.100' });
    p.run(2000);
    expect(p.fullyOn('IPaddr::10.0.0.100')).toEqual(['nodea']);
    // nodeb resumes: the fence result and nodea's new heartbeats are queued for it.
    p.resume('nodeb');
    p.run(20_000);
    const startsOnB = p.ops.filter((o) => o.node === 'nodeb' && o.action === 'start');
    expect(startsOnB).toEqual([]);
    expect(p.holders('IPaddr::10.0.0.100')).toEqual(['nodea']);
  });
});
