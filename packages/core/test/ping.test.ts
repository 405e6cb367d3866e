import { describe, expect, test } from '@jest/globals';
import type { PingTarget } from '@hbd/config';
import { createNode, step, type Effect } from '../src';
import { makeConfig } from './fixtures';
import { Pump } from './pump';

const A = 'IPaddr::10.0.0.100'; // preferred nodea
const B = 'IPaddr::10.0.0.101'; // preferred nodeb
const gw: PingTarget = { name: '10.0.0.1', kind: 'ping', addresses: ['10.0.0.1'] };
const routers: PingTarget = { name: 'routers', kind: 'ping_group', addresses: ['10.0.0.2', '10.0.0.3'] };

function probes(effects: readonly Effect[]): string[] {
  return effects.filter((e): e is Extract<Effect, { kind: 'probePingTarget' }> => e.kind === 'probePingTarget').map((e) => `${e.target}/${e.address}`);
}

describe('ping targets', () => {
  test('every address is probed every keepalive, at most one probe in flight per address', () => {
    const config = makeConfig({ pingTargets: [gw, routers] });
    const r0 = createNode(config, { localNode: 'nodea', nowMs: 0, previousGeneration: 0 });
    expect(probes(r0.effects)).toEqual(['10.0.0.1/10.0.0.1', 'routers/10.0.0.2', 'routers/10.0.0.3']);
    // No answer yet: the next keepalive sends nothing new to these addresses.
    const r1 = step(r0.state, { kind: 'timer', nowMs: 1000 });
    expect(probes(r1.effects)).toEqual([]);
    // An answer frees the address; the next probe goes out a keepalive after the previous one.
    const r2 = step(r1.state, { kind: 'pingProbeFinished', nowMs: 1100, target: '10.0.0.1', address: '10.0.0.1', reachable: true });
    expect(probes(r2.effects)).toEqual(['10.0.0.1/10.0.0.1']);
    expect(r2.effects.find((e) => e.kind === 'probePingTarget')).toMatchObject({ timeoutMs: 1000 });
  });

  test('a target is up on a reply and dead after deadping without one; a ping_group is up if any member is', () => {
    const p = new Pump(makeConfig({ pingTargets: [gw, routers] }));
    p.boot('nodea');
    p.run(2000);
    expect(p.eventsOf('pingTargetUp').map((e) => e.target)).toEqual(['10.0.0.1', 'routers']);
    expect(p.view('nodea').quorum).toEqual({ reachable: 2, total: 2, hasQuorum: true });
    p.pingDown.add('nodea@10.0.0.2'); // one router: the group stays up
    p.run(10_000);
    expect(p.eventsOf('pingTargetDead')).toHaveLength(0);
    p.pingDown.add('nodea@10.0.0.3');
    const lastReply = p.now;
    p.run(10_000);
    const dead = p.eventsOf('pingTargetDead');
    expect(dead).toEqual([expect.objectContaining({ target: 'routers' })]);
    expect(dead[0]!.atMs - lastReply).toBeLessThanOrEqual(6000 + p.pingLatencyMs);
    expect(dead[0]!.silentMs).toBeGreaterThanOrEqual(6000);
    expect(p.view('nodea').quorum).toEqual({ reachable: 1, total: 2, hasQuorum: true });
    expect(p.eventsOf('quorumChanged').map((e) => `${e.reachable}/${e.total} ${e.hasQuorum}`)).toEqual(['1/2 true', '2/2 true', '1/2 true']);
  });

  test('heartbeats advertise how many targets the node reaches', () => {
    const p = new Pump(makeConfig({ pingTargets: [gw, routers] }));
    p.bootAll();
    p.run(3000);
    expect(p.view('nodeb').nodes[0]!.pingReachable).toBe(2);
  });
});

describe('ipfail', () => {
  test('both alive, the peer reaches more targets → the node reaching fewer hands its groups over; back when balanced', () => {
    const p = new Pump(makeConfig({ pingTargets: [gw] }));
    p.bootAll();
    p.run(5000);
    expect(p.fullyOn(A)).toEqual(['nodea']);
    const lostAt = p.now;
    p.pingDown.add('nodea');
    p.run(10_000);
    expect(p.fullyOn(A)).toEqual(['nodeb']);
    expect(p.fullyOn(B)).toEqual(['nodeb']);
    const release = p.eventsOf('groupReleaseStarted', 'nodea')[0]!;
    expect(release.atMs - lostAt).toBeLessThanOrEqual(6000 + 2000 + 1000); // deadping, the ipfail delay, a keepalive
    expect(release).toMatchObject({ to: 'nodeb', reason: 'nodea reaches 0/1 ping targets, nodeb reaches 1/1 (ipfail)' });
    expect(p.holders(A)).toEqual(['nodeb']);
    // The ping node comes back: auto_failback on returns the group after the soak period.
    p.pingDown.clear();
    p.run(10_000);
    expect(p.fullyOn(A)).toEqual(['nodea']);
  });

  test('ipfail compares counts: 2 of 2 beats 1 of 2', () => {
    const p = new Pump(makeConfig({ pingTargets: [gw, routers], autoFailback: 'off' }));
    p.bootAll();
    p.run(5000);
    p.pingDown.add('nodeb@10.0.0.1');
    p.run(10_000);
    expect(p.fullyOn(B)).toEqual(['nodea']);
    expect(p.eventsOf('groupReleaseStarted', 'nodeb')[0]!.reason).toBe('nodeb reaches 1/2 ping targets, nodea reaches 2/2 (ipfail)');
  });

  test('both lose the ping node equally: nothing moves, nothing stops (the peers still see each other)', () => {
    const p = new Pump(makeConfig({ pingTargets: [gw] }));
    p.bootAll();
    p.run(5000);
    p.pingDown.add('nodea');
    p.pingDown.add('nodeb');
    p.run(30_000);
    expect(p.fullyOn(A)).toEqual(['nodea']);
    expect(p.fullyOn(B)).toEqual(['nodeb']);
    expect(p.eventsOf('groupReleaseStarted')).toHaveLength(0);
  });
});

describe('ping quorum', () => {
  test('a node reaching no target does not take over from a dead peer', () => {
    const p = new Pump(makeConfig({ pingTargets: [gw] }));
    p.bootAll();
    p.run(5000);
    p.pingDown.add('nodeb');
    p.crash('nodea');
    p.run(20_000);
    expect(p.fullyOn(A)).toEqual([]);
    expect(p.eventsOf('groupTakeoverStarted', 'nodeb').filter((e) => e.group === A)).toHaveLength(0);
    expect(p.eventsOf('refusedTakeover', 'nodeb')).toEqual(
      expect.arrayContaining([expect.objectContaining({ group: A, reason: 'no ping target reachable (0/1): this node may be the isolated one' })]),
    );
    // Reach returns: peer and ping node fell silent together (as when our own cable is pulled), so
    // it first waits a deadtime to hear the peer, then takes over, saying why.
    p.pingDown.clear();
    p.run(3000);
    expect(p.fullyOn(A)).toEqual([]);
    p.run(6000);
    expect(p.fullyOn(A)).toEqual(['nodeb']);
    expect(p.eventsOf('groupTakeoverStarted', 'nodeb').find((e) => e.group === A)!.reason).toMatch(/^nodea dead for \d+\.\d s; ping 1\/1 reachable$/);
  });

  test('an isolated node (no ping target, no peer) gives up what it holds after warntime, stopped before the other side takes over', () => {
    const p = new Pump(makeConfig({ pingTargets: [gw] }));
    p.bootAll();
    p.run(5000);
    // nodea's cable is pulled: no peer, no ping node.
    p.cut('nodea', 'nodeb');
    p.pingDown.add('nodea');
    const cutAt = p.now;
    p.run(25_000);
    expect(p.fullyOn(A)).toEqual(['nodeb']);
    expect(p.fullyOn(B)).toEqual(['nodeb']);
    // Its ping node counts as dead at warntime (3 s), not after deadping (6 s): its peer is silent too.
    const pingDead = p.eventsOf('pingTargetDead', 'nodea')[0]!;
    expect(pingDead.atMs - cutAt).toBeLessThanOrEqual(3000 + 1000);
    expect(pingDead.peersSilentMs).toBeGreaterThanOrEqual(3000);
    const gaveUp = p.eventsOf('groupReleaseStarted', 'nodea')[0]!;
    expect(gaveUp.reason).toMatch(/^no ping target reachable \(0\/1\) and no peer heard for \d+\.\d s: this node is isolated; stopping before a peer's deadtime \(6\.0 s\) runs out$/);
    expect(gaveUp.atMs).toBe(pingDead.atMs);
    // Stopped on nodea before nodeb starts it (nodeb waits deadtime from the last heartbeat it heard).
    const stopped = p.eventsOf('groupStopped', 'nodea').find((e) => e.group === A && e.atMs > cutAt)!;
    const takenOver = p.eventsOf('groupTakeoverStarted', 'nodeb').find((e) => e.group === A && e.atMs > cutAt)!;
    expect(stopped.atMs).toBeLessThan(takenOver.atMs);
    expect(p.eventsOf('groupTakeoverStarted', 'nodea').filter((e) => e.atMs > cutAt)).toHaveLength(0);
  });

  test('with very short timers, a gap in heartbeats and echo replies shorter than two probe rounds is not a cut cable', () => {
    // The shell's prober sends an echo no faster than every 200 ms, whatever the keepalive: at
    // keepalive 50 ms a silence of two keepalives is ordinary between two replies.
    const p = new Pump(makeConfig({ pingTargets: [gw], keepaliveMs: 50, warntimeMs: 150, deadtimeMs: 200, initdeadMs: 3000, deadpingMs: 1000 }));
    p.bootAll();
    p.run(5000);
    expect(p.fullyOn(A)).toEqual(['nodea']);
    p.pingDown.add('nodea'); // the gap between two replies …
    p.run(200);
    p.cut('nodea', 'nodeb'); // … and two lost heartbeats at the end of it: short of deadtime, nothing happens
    p.run(110);
    p.heal();
    p.pingDown.clear();
    p.run(3000);
    expect(p.eventsOf('pingTargetDead')).toEqual([]);
    expect(p.eventsOf('groupReleaseStarted')).toEqual([]);
    expect(p.fullyOn(A)).toEqual(['nodea']);
  });

  test('a node that loses only its ping node keeps its groups while it hears its peer; the peer, reaching more, gets them by ipfail', () => {
    const p = new Pump(makeConfig({ pingTargets: [gw], autoFailback: 'off' }));
    p.bootAll();
    p.run(5000);
    p.pingDown.add('nodea');
    p.run(4000); // past warntime, before deadping: still "up" (the peer is heard), nothing moves
    expect(p.eventsOf('pingTargetDead', 'nodea')).toHaveLength(0);
    expect(p.eventsOf('groupReleaseStarted', 'nodea')).toHaveLength(0);
    p.run(10_000);
    expect(p.eventsOf('pingTargetDead', 'nodea')[0]!.peersSilentMs).toBeUndefined();
    expect(p.eventsOf('groupReleaseStarted', 'nodea').map((e) => e.reason)).toEqual([expect.stringMatching(/\(ipfail\)$/)]);
  });

  test('a lone survivor whose peer is long dead stops its groups when its ping node goes silent for warntime (nobody else could run them, but a returning peer would)', () => {
    const p = new Pump(makeConfig({ pingTargets: [gw] }));
    p.bootAll();
    p.run(5000);
    p.crash('nodeb');
    p.run(20_000);
    expect(p.fullyOn(B)).toEqual(['nodea']);
    const silentAt = p.now;
    p.pingDown.add('nodea');
    p.run(10_000);
    const gaveUp = p.eventsOf('groupReleaseStarted', 'nodea').filter((e) => e.atMs > silentAt);
    expect(gaveUp.length).toBe(2);
    expect(gaveUp[0]!.atMs - silentAt).toBeLessThanOrEqual(3000 + 1000);
    expect(p.fullyOn(A)).toEqual([]);
  });

  test('link-cut heal race: the isolated preferred node hears its ping node before its peer, and waits for the peer instead of taking the group back', () => {
    const p = new Pump(makeConfig({ pingTargets: [gw] }));
    p.bootAll();
    p.run(5000);
    p.cut('nodea', 'nodeb');
    p.pingDown.add('nodea');
    const cutAt = p.now;
    p.run(25_000);
    expect(p.fullyOn(A)).toEqual(['nodeb']);
    // The cable comes back: the ping reply arrives first, nodeb's heartbeats 1.5 s later.
    p.pingDown.delete('nodea');
    p.run(1500);
    p.heal();
    p.run(30_000);
    // No second copy, no split brain: A goes home by a clean hand-over (auto_failback on).
    expect(p.eventsOf('splitBrainDetected')).toEqual([]);
    const starts = p.eventsOf('groupTakeoverStarted', 'nodea').filter((e) => e.atMs > cutAt && e.group === A);
    expect(starts).toHaveLength(1);
    expect(starts[0]!.reason).toMatch(/^nodeb released it \(failback\)/);
    expect(p.fullyOn(A)).toEqual(['nodea']);
    expect(p.fullyOn(B)).toEqual(['nodeb']);
  });

  test('an operation result arriving just as the last ping reply gets too old does not start the next member', () => {
    const config = makeConfig({ nodes: ['nodea'], pingTargets: [gw], groups: [makeConfig().groups[0]!] });
    let r = createNode(config, { localNode: 'nodea', nowMs: 0, previousGeneration: 0 });
    const ops = (effects: readonly Effect[]) => effects.filter((e): e is Extract<Effect, { kind: 'runResourceOp' }> => e.kind === 'runResourceOp');
    // Start-up probe: nothing runs.
    for (const op of ops(r.effects)) r = step(r.state, { kind: 'resourceOpFinished', nowMs: 1, opId: op.opId, outcome: 'notRunning', exitCode: 3, outputTail: '' });
    let pending = ops(r.effects);
    r = step(r.state, { kind: 'pingProbeFinished', nowMs: 5, target: gw.name, address: gw.addresses[0]!, reachable: true });
    pending = [...pending, ...ops(r.effects)];
    for (let guard = 0; pending.length > 0 && pending[0]!.action === 'status' && guard < 5; guard++) {
      const op = pending.shift()!;
      r = step(r.state, { kind: 'resourceOpFinished', nowMs: 2, opId: op.opId, outcome: 'notRunning', exitCode: 3, outputTail: '' });
      pending.push(...ops(r.effects));
    }
    const first = pending.find((o) => o.action === 'start')!;
    expect(first.resourceIndex).toBe(0);
    // Time passes (the node is woken as it asks; probes go unanswered) ...
    for (let t = 1000; t < 5 + config.deadpingMs; t += 500) r = step(r.state, { kind: 'timer', nowMs: t });
    // ... and the IP start finishes exactly deadping after the only ping reply: quorum is gone at that instant.
    r = step(r.state, { kind: 'resourceOpFinished', nowMs: 5 + config.deadpingMs, opId: first.opId, outcome: 'ok', exitCode: 0, outputTail: '' });
    expect(ops(r.effects).filter((o) => o.action === 'start')).toEqual([]);
    expect(r.effects).toContainEqual({ kind: 'emit', event: expect.objectContaining({ kind: 'quorumChanged', hasQuorum: false }) });
  });

  test('a node without quorum never starts a group at boot', () => {
    const p = new Pump(makeConfig({ pingTargets: [gw] }));
    p.pingDown.add('nodea');
    p.boot('nodea');
    p.run(30_000);
    expect(p.ops.filter((o) => o.action === 'start')).toHaveLength(0);
  });

  test('no ping nodes configured: quorum is trivially true, so a cut link means both run everything (like Heartbeat)', () => {
    const p = new Pump(makeConfig());
    p.bootAll();
    p.run(5000);
    expect(p.view('nodea').quorum).toEqual({ reachable: 0, total: 0, hasQuorum: true });
    p.cut('nodea', 'nodeb');
    p.run(10_000);
    expect(p.fullyOn(A)).toEqual(['nodea', 'nodeb']);
    expect(p.fullyOn(B)).toEqual(['nodea', 'nodeb']);
  });
});
