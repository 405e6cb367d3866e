import { describe, expect, test } from '@jest/globals';
import { createNode, step, type Effect } from '../src';
import { makeConfig } from './fixtures';
import { Pump } from './pump';

const A = 'IPaddr::10.0.0.100';
const B = 'IPaddr::10.0.0.101';

describe('createNode', () => {
  test('persists previous+1 before anything is sent, then says hello', () => {
    const r = createNode(makeConfig(), { localNode: 'nodea', nowMs: 5000, previousGeneration: 41 });
    expect(r.effects[0]).toEqual({ kind: 'persistGeneration', generation: 42 });
    const firstSend = r.effects.findIndex((e) => e.kind === 'sendMessage');
    expect(firstSend).toBeGreaterThan(0);
    const hb = r.effects[firstSend] as Extract<Effect, { kind: 'sendMessage' }>;
    expect(hb.to).toBe('all');
    expect(hb.message).toMatchObject({ type: 'heartbeat', status: 'up', pingReachable: 0, claims: [] });
    expect(r.wakeAtMs).toBeGreaterThan(5000);
    expect(r.wakeAtMs).toBeLessThanOrEqual(6000);
  });

  test('rejects a node name that is not in ha.cf, in words', () => {
    expect(() => createNode(makeConfig(), { localNode: 'nodez', nowMs: 0, previousGeneration: 0 })).toThrow(/HB_CORE_NOT_A_NODE.*nodez.*nodea, nodeb/);
  });

  test('state is plain data: survives a JSON round trip and structuredClone', () => {
    const r = createNode(makeConfig({ pingTargets: [{ name: '10.0.0.1', kind: 'ping', addresses: ['10.0.0.1'] }] }), { localNode: 'nodea', nowMs: 0, previousGeneration: 0 });
    const copy = structuredClone(r.state);
    expect(JSON.parse(JSON.stringify(copy))).toEqual(copy);
    // A copy steps exactly like the original.
    const x = step(r.state, { kind: 'timer', nowMs: 1000 });
    const y = step(copy, { kind: 'timer', nowMs: 1000 });
    expect(y.effects).toEqual(x.effects);
    expect(y.wakeAtMs).toBe(x.wakeAtMs);
  });

  test('a one-node cluster is active at once and starts its groups', () => {
    const p = new Pump(makeConfig({ nodes: ['nodea'], groups: [makeConfig().groups[0]!] }));
    p.boot('nodea');
    p.run(2000);
    // Active as soon as the start-up probe of its 2 members (10 ms each) is done.
    expect(p.eventsOf('communicationsUp')[0]).toMatchObject({ atMs: 20, alive: [], dead: [] });
    expect(p.fullyOn(A)).toEqual(['nodea']);
  });
});

describe('heartbeats and liveness', () => {
  test('a heartbeat goes to all every keepalive', () => {
    const p = new Pump(makeConfig());
    p.boot('nodea');
    p.run(5500);
    const beats = p.sent.filter((x) => x.from === 'nodea' && x.type === 'heartbeat').map((x) => x.atMs);
    // 0 (hello), then every second; a status change (initdead not yet) sends no extra one.
    expect(beats).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
  });

  test('initdead applies until a peer is first heard, then deadtime', () => {
    const p = new Pump(makeConfig());
    p.boot('nodea');
    p.run(11_999);
    expect(p.eventsOf('peerDeclaredDead')).toHaveLength(0);
    p.run(1);
    expect(p.eventsOf('peerDeclaredDead', 'nodea')).toEqual([expect.objectContaining({ atMs: 12000, peer: 'nodeb', silentMs: 12000 })]);
    expect(p.eventsOf('communicationsUp', 'nodea')[0]).toMatchObject({ waitedMs: 12000, dead: ['nodeb'] });

    // Now heard, then silent: deadtime (6 s) after the last packet, not initdead.
    p.boot('nodeb');
    p.run(3000);
    const lastHeard = p.view('nodea').nodes[1]!.lastHeardAtMs!;
    p.crash('nodeb');
    p.run(10_000);
    const dead = p.eventsOf('peerDeclaredDead', 'nodea');
    expect(dead).toHaveLength(2);
    expect(dead[1]!.atMs).toBe(lastHeard + 6000);
    expect(dead[1]!.silentMs).toBe(6000);
  });

  test('peers that start together are up within a keepalive, without waiting for initdead', () => {
    const p = new Pump(makeConfig());
    p.bootAll();
    p.run(2000);
    for (const n of ['nodea', 'nodeb']) {
      const up = p.eventsOf('communicationsUp', n)[0]!;
      expect(up.waitedMs).toBeLessThanOrEqual(1100);
      expect(up.alive).toHaveLength(1);
    }
    expect(p.view('nodea').nodes[1]!.status).toBe('active');
  });

  test.each([
    { gapMs: 2500, warned: false },
    { gapMs: 4500, warned: true },
  ])('late heartbeat: a $gapMs ms silence warns=$warned with the measured gap', ({ gapMs, warned }) => {
    const p = new Pump(makeConfig());
    p.bootAll();
    p.run(3000);
    p.cut('nodeb', 'nodea', false);
    const before = p.view('nodea').nodes[1]!.lastHeardAtMs!;
    p.run(gapMs - (p.now - before) - 10);
    p.heal();
    p.run(1500);
    const late = p.eventsOf('lateHeartbeat', 'nodea');
    if (!warned) {
      expect(late).toHaveLength(0);
      return;
    }
    expect(late).toHaveLength(1);
    expect(late[0]!.sinceMs).toBeGreaterThan(3000);
    expect(late[0]!.sinceMs).toBeLessThan(6000);
    expect(late[0]).toMatchObject({ peer: 'nodeb', warntimeMs: 3000, deadtimeMs: 6000 });
    expect(p.eventsOf('peerDeclaredDead', 'nodea')).toHaveLength(0);
  });

  test('a peer restart is seen through its new generation', () => {
    const p = new Pump(makeConfig());
    p.bootAll();
    p.run(3000);
    p.crash('nodeb');
    p.run(1000); // back before deadtime: no death declared, only a new incarnation
    p.boot('nodeb');
    p.run(2000);
    expect(p.eventsOf('peerDeclaredDead')).toHaveLength(0);
    expect(p.eventsOf('peerRestarted', 'nodea')).toEqual([expect.objectContaining({ peer: 'nodeb', oldGeneration: 1, newGeneration: 2 })]);
    expect(p.view('nodea').nodes[1]!.generation).toBe(2);
    // The restarted node got its group back (it was gone with the old incarnation).
    p.run(10_000);
    expect(p.fullyOn(B)).toEqual(['nodeb']);
  });

  test('packets from an older incarnation are ignored', () => {
    const p = new Pump(makeConfig());
    p.bootAll();
    p.run(3000);
    p.input('nodea', { kind: 'packetReceived', nowMs: p.now, from: 'nodeb', link: 'eth0', generation: 0, message: { type: 'heartbeat', status: 'active', pingReachable: 0, claims: [{ group: A, state: 'started', epoch: 99 }] } });
    expect(p.eventsOf('splitBrainDetected')).toHaveLength(0);
    expect(p.state('nodea').nodes[1]!.claimState[0]).toBeNull();
  });
});

describe('links', () => {
  test('a node is dead only when all its links are dead; each link reports up/dead', () => {
    const p = new Pump(makeConfig());
    p.links = ['eth0', 'eth1'];
    p.bootAll();
    p.run(3000);
    expect(p.eventsOf('linkUp', 'nodea').map((e) => e.link)).toEqual(['eth0', 'eth1']);
    p.cuts.add('nodeb>nodea@eth0');
    p.run(8000);
    expect(p.eventsOf('linkDead', 'nodea')).toEqual([expect.objectContaining({ peer: 'nodeb', link: 'eth0', silentMs: 6000 })]);
    expect(p.eventsOf('peerDeclaredDead')).toHaveLength(0);
    expect(p.view('nodea').nodes[1]!.links).toEqual([
      expect.objectContaining({ link: 'eth0', status: 'dead' }),
      expect.objectContaining({ link: 'eth1', status: 'up' }),
    ]);
    p.cuts.add('nodeb>nodea@eth1');
    p.run(8000);
    expect(p.eventsOf('linkDead', 'nodea').map((e) => e.link)).toEqual(['eth0', 'eth1']);
    expect(p.eventsOf('peerDeclaredDead', 'nodea')).toHaveLength(1);
    p.heal();
    p.run(2000);
    expect(p.eventsOf('linkUp', 'nodea').map((e) => e.link)).toEqual(['eth0', 'eth1', 'eth0', 'eth1']);
    expect(p.eventsOf('peerHeard', 'nodea').map((e) => e.firstTime)).toEqual([true, false]);
  });
});

describe('local stalls', () => {
  test('localStallDetected pushes deadlines back: peers are not declared dead on stale evidence', () => {
    const p = new Pump(makeConfig());
    p.bootAll();
    p.run(3000);
    // nodea freezes for 8 s (> deadtime); nodeb's heartbeats queue up meanwhile.
    p.pause('nodea');
    p.run(8000);
    // The shell reports the stall before anything else is processed.
    p.input('nodea', { kind: 'localStallDetected', nowMs: p.now, stalledMs: 8000 });
    p.resume('nodea');
    p.run(3000);
    expect(p.eventsOf('localStall', 'nodea')[0]).toMatchObject({ stalledMs: 8000 });
    expect(p.eventsOf('peerDeclaredDead', 'nodea')).toHaveLength(0);
  });

  test('a timer that fires far too late counts as a stall even without the shell saying so', () => {
    const p = new Pump(makeConfig());
    p.bootAll();
    p.run(3000);
    p.pause('nodea');
    p.cut('nodeb', 'nodea', false); // and nothing is queued for it either
    p.run(8000);
    p.resume('nodea');
    p.heal();
    p.run(3000);
    const stall = p.eventsOf('localStall', 'nodea');
    expect(stall).toHaveLength(1);
    expect(stall[0]!.stalledMs).toBeGreaterThan(7000);
    expect(p.eventsOf('peerDeclaredDead', 'nodea')).toHaveLength(0);
  });

  test('the stall is counted once when the shell reports it after our own detection', () => {
    const p = new Pump(makeConfig());
    p.bootAll();
    p.run(3000);
    p.cut('nodeb', 'nodea', false); // nodeb falls silent for good
    const lastHeard = p.view('nodea').nodes[1]!.lastHeardAtMs!;
    p.run(2000);
    p.pause('nodea');
    p.run(2000); // a 2 s stall, 4 s into the silence
    p.resume('nodea');
    p.input('nodea', { kind: 'timer', nowMs: p.now }); // our own detection: ~2 s late
    p.input('nodea', { kind: 'localStallDetected', nowMs: p.now, stalledMs: 2000 }); // the shell, about the same stall
    p.run(20_000);
    const dead = p.eventsOf('peerDeclaredDead', 'nodea');
    expect(dead).toHaveLength(1);
    // deadtime after the last packet, plus the stall once (not twice).
    expect(dead[0]!.atMs).toBeGreaterThanOrEqual(lastHeard + 6000 + 1900);
    expect(dead[0]!.atMs).toBeLessThanOrEqual(lastHeard + 6000 + 2100);
  });
});

describe('a peer whose claims cannot be read (another haresources, during a rolling change)', () => {
  test('it stays alive, its claims stay as last known, nothing starts anywhere; once readable again all is normal; if it dies, its groups are taken over', () => {
    const p = new Pump(makeConfig());
    p.bootAll();
    p.run(5000);
    const A = p.config.groups[0]!.id;
    expect(p.fullyOn(A)).toEqual(['nodea']);
    p.unreadableClaims.add('nodea>nodeb');
    p.unreadableClaims.add('nodeb>nodea');
    p.run(20_000);
    // Nobody is declared dead; nothing moves.
    expect(p.eventsOf('peerDeclaredDead')).toEqual([]);
    expect(p.fullyOn(A)).toEqual(['nodea']);
    expect(p.view('nodeb').groups.find((g) => g.id === A)!.owner).toBe('nodea');
    // nodea stops its group (say an operator stopped it by hand on nodea): nodeb cannot know, and starts nothing.
    const before = p.ops.filter((o) => o.action === 'start').length;
    p.crash('nodea');
    p.run(3000); // less than deadtime: nodea is only silent
    expect(p.ops.filter((o) => o.action === 'start').length).toBe(before);
    // Dead after deadtime: its claims no longer matter, nodeb takes over as usual.
    p.run(10_000);
    expect(p.fullyOn(A)).toEqual(['nodeb']);
  });

  test('a group nobody holds is not started while a live peer cannot be read, and is once it can', () => {
    const p = new Pump(makeConfig({ autoFailback: 'off' }));
    p.unreadableClaims.add('nodea>nodeb');
    p.unreadableClaims.add('nodeb>nodea');
    p.bootAll();
    p.run(20_000);
    expect(p.ops.filter((o) => o.action === 'start')).toEqual([]);
    expect(p.eventsOf('refusedTakeover').map((e) => e.reason)).toContain('nodeb runs another haresources (its claims cannot be read): nothing starts until every node runs the same configuration');
    p.unreadableClaims.clear();
    p.run(10_000);
    expect(p.fullyOn(p.config.groups[0]!.id)).toEqual(['nodea']);
    expect(p.fullyOn(p.config.groups[1]!.id)).toEqual(['nodeb']);
  });
});
