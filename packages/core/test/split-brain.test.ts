import { describe, expect, test } from '@jest/globals';
import { createNode } from '../src';
import { splitBrainWinner } from '../src/placement';
import { group, makeConfig } from './fixtures';
import { Pump } from './pump';

const A = 'IPaddr::10.0.0.100'; // preferred nodea
const B = 'IPaddr::10.0.0.101'; // preferred nodeb

describe('split brain on heal', () => {
  test('link cut with both reaching the ping node: both run everything; on heal the higher epoch keeps each group, the loser stops right to left', () => {
    const gw = { name: '10.0.0.1', kind: 'ping' as const, addresses: ['10.0.0.1'] };
    const p = new Pump(makeConfig({ pingTargets: [gw], autoFailback: 'off' }));
    p.bootAll();
    p.run(5000);
    p.cut('nodea', 'nodeb');
    p.run(10_000);
    expect(p.fullyOn(A)).toEqual(['nodea', 'nodeb']);
    expect(p.fullyOn(B)).toEqual(['nodea', 'nodeb']);
    p.heal();
    p.run(3000);
    // Each took the other's group with epoch 2 during the cut; its preferred node kept epoch 1.
    expect(p.fullyOn(A)).toEqual(['nodeb']);
    expect(p.fullyOn(B)).toEqual(['nodea']);
    const sb = p.eventsOf('splitBrainDetected').map((e) => `${e.on} ${e.group} winner ${e.winner}: ${e.rule}`);
    expect(sb).toEqual(
      expect.arrayContaining([
        `nodea ${A} winner nodeb: higher takeover epoch wins (nodea 1, nodeb 2)`,
        `nodeb ${A} winner nodeb: higher takeover epoch wins (nodeb 2, nodea 1)`,
      ]),
    );
    // The loser of each group reported it (the winner too, if it saw the loser's claim before the loser stopped).
    expect(sb).toContain(`nodeb ${B} winner nodea: higher takeover epoch wins (nodeb 1, nodea 2)`);
    const stops = p.ops.filter((o) => o.node === 'nodea' && o.group === A && o.action === 'stop' && o.phase === 'issued').map((o) => o.resource);
    expect(stops).toEqual(['nginx', A]);
    // Nobody restarted anything that was not in conflict (unlike Heartbeat's restart-everything).
    expect(p.eventsOf('groupTakeoverStarted').filter((e) => e.atMs > 15_000)).toHaveLength(0);
  });

  test('with auto_failback on, the groups then go home after the soak period', () => {
    const p = new Pump(makeConfig({ autoFailback: 'on' }));
    p.bootAll();
    p.run(5000);
    p.cut('nodea', 'nodeb');
    p.run(10_000);
    p.heal();
    p.run(15_000);
    expect(p.fullyOn(A)).toEqual(['nodea']);
    expect(p.fullyOn(B)).toEqual(['nodeb']);
  });

  test('equal epochs: the preferred node wins; neither preferred: the first node in `node` order', () => {
    const config = makeConfig({ nodes: ['nodea', 'nodeb', 'nodec'], groups: [group('nodec', 'IPaddr::10.0.0.102'), group('nodeb', B)] });
    const p = new Pump(config);
    p.bootAll();
    p.run(3000);
    // Hand-made conflict: nodea and nodeb both run both groups with epoch 5.
    for (const node of ['nodea', 'nodeb']) {
      for (const g of p.state(node).groups) {
        if (g.state === 'stopped') {
          g.state = 'started';
          g.members.fill('started');
        }
        g.epoch = 5;
      }
    }
    p.run(3000);
    const rules = p.eventsOf('splitBrainDetected')
      .filter((e) => e.peer !== 'nodec' && e.on !== 'nodec')
      .map((e) => `${e.group}: ${e.winner} (${e.rule})`);
    expect(rules).toEqual(
      expect.arrayContaining([`IPaddr::10.0.0.102: nodea (equal epochs (5); nodea comes first in node order)`, `${B}: nodeb (equal epochs (5); nodeb is the preferred node)`]),
    );
  });

  test('a paused node resumes holding a group the peer took over: it stops its copy instead of taking everything (D13)', () => {
    const p = new Pump(makeConfig({ autoFailback: 'off' }));
    p.bootAll();
    p.run(5000);
    p.pause('nodea');
    p.run(9000); // > deadtime: nodeb takes A over
    expect(p.fullyOn(A)).toEqual(['nodea', 'nodeb']);
    p.resume('nodea');
    p.run(3000);
    expect(p.fullyOn(A)).toEqual(['nodeb']);
    expect(p.fullyOn(B)).toEqual(['nodeb']);
    expect(p.eventsOf('peerDeclaredDead', 'nodea')).toHaveLength(0);
    expect(p.eventsOf('groupTakeoverStarted', 'nodea').filter((e) => e.atMs > 5000)).toHaveLength(0);
  });

  test('two nodes deciding at once on different views: the start is announced first, and only one copy ever runs', () => {
    const G = 'IPaddr::10.0.0.102';
    const config = makeConfig({ nodes: ['nodea', 'nodeb', 'nodec'], groups: [group('nodec', G, 'nginx')] });
    const p = new Pump(config);
    p.bootAll();
    p.run(5000);
    expect(p.fullyOn(G)).toEqual(['nodec']);
    // nodeb stops hearing nodea (one way), then nodec dies: nodeb thinks it is the only survivor,
    // nodea thinks it comes first in node order. Both decide to take the group.
    p.cuts.add('nodea>nodeb');
    p.crash('nodec');
    for (let t = 0; t < 20_000; t += 20) {
      p.run(20);
      expect(p.holders(G).length).toBeLessThanOrEqual(1);
    }
    expect(p.fullyOn(G)).toEqual(['nodeb']);
    const decided = p.eventsOf('groupTakeoverStarted').map((e) => e.on);
    expect(decided).toEqual(expect.arrayContaining(['nodea', 'nodeb']));
    expect(p.eventsOf('refusedTakeover', 'nodea').map((e) => e.reason)).toContain('nodeb holds it (starting); not starting it here');
    expect(p.ops.filter((o) => o.node === 'nodea' && o.action === 'start')).toHaveLength(0);
  });

  test('a node that restarts and finds the group running (adopted) while a peer runs it too stops its copy even before it is active', () => {
    const p = new Pump(makeConfig({ autoFailback: 'off', initdeadMs: 30_000 }));
    p.bootAll();
    p.run(5000);
    p.crash('nodea', true); // hbd killed, services left running
    p.run(8000); // nodeb takes A over (deadtime 6 s)
    expect(p.fullyOn(A)).toEqual(['nodea', 'nodeb']);
    p.boot('nodea');
    p.run(2000);
    expect(p.eventsOf('groupFoundRunning', 'nodea').map((e) => `${e.group} ${e.action}`)).toEqual([`${A} adopt`]);
    expect(p.fullyOn(A)).toEqual(['nodeb']); // nodeb's takeover has the higher epoch
  });

  test('after a local stall, a start in progress waits until the peers have been heard again', () => {
    const p = new Pump(makeConfig({ autoFailback: 'off', groups: [group('nodea', A, 'Filesystem::/dev/sdb1::/srv', 'nginx')] }));
    p.opLatencyMs = 500;
    p.bootAll();
    p.run(700); // nodea: IPaddr started, Filesystem starting
    p.pause('nodea');
    p.cut('nodeb', 'nodea', false);
    p.run(9000); // nodea frozen > deadtime: nodeb declares it dead and takes the group
    expect(p.holders(A)).toContain('nodeb');
    p.resume('nodea');
    p.run(50);
    // nodea's Filesystem start returned, but it does not start nginx: it has not heard nodeb since.
    expect(p.ops.filter((o) => o.node === 'nodea' && o.resource === 'nginx' && o.action === 'start')).toHaveLength(0);
    p.heal();
    p.run(5000);
    expect(p.ops.filter((o) => o.node === 'nodea' && o.resource === 'nginx' && o.action === 'start')).toHaveLength(0);
    expect(p.fullyOn(A)).toEqual(['nodeb']);
    expect(p.holders(A)).toEqual(['nodeb']);
  });

  test('a restarted node does not start while a live peer cannot hear it (its acknowledgements refer to our previous life)', () => {
    const p = new Pump(makeConfig({ autoFailback: 'off', groups: [group('nodea', A, 'nginx')] }));
    p.agent = (node, op) => (node === 'nodeb' && op.action === 'start' ? { outcome: 'failed' } : undefined);
    p.bootAll();
    p.run(5000);
    expect(p.fullyOn(A)).toEqual(['nodea']);
    p.crash('nodea'); // power loss: the group is gone with it
    p.cut('nodea', 'nodeb', false); // from now on nodeb does not hear nodea; nodea hears nodeb
    p.run(8000); // nodeb declares nodea dead, tries the group, it fails there
    expect(p.view('nodeb').groups[0]!.localState).toBe('failed');
    const bootAt = p.now;
    p.boot('nodea');
    p.run(10_000);
    expect(p.ops.filter((o) => o.node === 'nodea' && o.action === 'start' && o.atMs >= bootAt)).toHaveLength(0);
    expect(p.eventsOf('refusedTakeover', 'nodea').map((e) => e.reason)).toEqual([expect.stringMatching(/^waiting for nodeb to see our claim: it has not for \d+\.\d s \(does it hear us\?\)$/)]);
    p.heal();
    p.run(3000);
    expect(p.fullyOn(A)).toEqual(['nodea']);
  });

  test('the winner of a split brain pauses its start while the loser stops, and gives up if the loser cannot stop (unclean)', () => {
    const web = group('nodea', A, 'Filesystem::/dev/drbd0::/srv', 'nginx');
    const p = new Pump(makeConfig({ autoFailback: 'off', stopRetriesMax: 0, groups: [web] }));
    p.agent = (node, op) => {
      if (p.now < 1000) return undefined;
      if (node === 'nodeb' && op.action === 'start') return { outcome: 'ok', afterMs: 1500 };
      if (node === 'nodea' && op.resource.name === 'nginx' && op.action === 'stop') return { outcome: 'failed' };
      if (node === 'nodea' && op.resource.name === 'nginx' && op.action === 'status') return { outcome: 'ok' };
      return undefined;
    };
    p.bootAll();
    p.run(3000);
    expect(p.fullyOn(A)).toEqual(['nodea']);
    p.cut('nodea', 'nodeb');
    for (let i = 0; i < 500 && !p.ops.some((o) => o.node === 'nodeb' && o.action === 'start'); i++) p.run(20);
    p.heal(); // nodeb is starting its first member; nodea still runs everything
    p.run(15_000);
    expect(p.eventsOf('groupUnclean', 'nodea')).toHaveLength(1);
    const nodebStarts = p.ops.filter((o) => o.node === 'nodeb' && o.action === 'start' && o.phase === 'issued').map((o) => o.resource.split('::')[0]);
    expect(nodebStarts).not.toContain('nginx');
    expect(p.holders(A)).toEqual(['nodea']); // only the stuck copy is left
    expect(p.eventsOf('groupReleaseStarted', 'nodeb').map((e) => e.reason)).toContain('nodea could not stop its copy (unclean); not starting ours');
  });
});

describe('split-brain rule', () => {
  test('equal epochs: a copy that fully runs beats one still starting, even the preferred node\'s', () => {
    const config = makeConfig();
    const s = createNode(config, { localNode: 'nodea', nowMs: 0, previousGeneration: 0 }).state;
    const g = s.groups[0]!; // preferred nodea (index 0)
    expect(splitBrainWinner(s, g, 0, 2, 1, 2, false, true)).toEqual({ winner: 1, rule: 'equal epochs (2); nodeb already runs it, the other was still starting' });
    expect(splitBrainWinner(s, g, 1, 2, 0, 2, true, false).winner).toBe(1);
    // Both running (or both starting): the preferred node, as before; a higher epoch still comes first.
    expect(splitBrainWinner(s, g, 0, 2, 1, 2, true, true).winner).toBe(0);
    expect(splitBrainWinner(s, g, 0, 3, 1, 2, false, true).winner).toBe(0);
  });
});
