// The simulator's building blocks: seeded randomness, the agenda, the network, connectivity,
// the agents' ground truth, the swarm and the renderer.

import { describe, expect, test } from '@jest/globals';
import { SimAgents } from '../src/agents';
import { Connectivity } from '../src/connectivity';
import { EventQueue } from '../src/event-queue';
import { SimNetwork } from '../src/network';
import { renderEvent } from '../src/render-event';
import { deriveSeed, SimRng } from '../src/rng';
import { buildClusterConfig, seedTopology } from '../src/sim-config';
import { FAULT_KINDS, faultsArgument, parseFaultsArgument, swarmFor } from '../src/swarm';

describe('SimRng', () => {
  test('one seed, one sequence; forks are independent of draws in the parent', () => {
    const a = SimRng.fromSeed(42);
    const b = SimRng.fromSeed(42);
    expect([a.int(0, 1000), a.int(0, 1000), a.float()]).toEqual([b.int(0, 1000), b.int(0, 1000), b.float()]);
    const c = SimRng.fromSeed(42);
    c.int(0, 10);
    expect(c.fork('net').int(0, 1_000_000)).toBe(SimRng.fromSeed(42).fork('net').int(0, 1_000_000));
    expect(deriveSeed(42, 'net')).not.toBe(deriveSeed(42, 'agents'));
  });

  test('rejects seeds a user cannot type back', () => {
    expect(() => SimRng.fromSeed(-1)).toThrow(/seed/);
    expect(() => SimRng.fromSeed(1.5)).toThrow(/seed/);
    expect(() => SimRng.fromSeed(2 ** 32)).toThrow(/seed/);
  });

  test('weighted picks follow the weights and never pick a zero weight', () => {
    const r = SimRng.fromSeed(7);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 4000; i++) counts[r.weighted({ a: 1, b: 3, c: 0 })]++;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.5);
    expect(counts.b / counts.a).toBeLessThan(3.5);
  });
});

describe('EventQueue', () => {
  test('pops by time, then by insertion order', () => {
    const q = new EventQueue<string>();
    q.push(5, 'c');
    q.push(1, 'a');
    q.push(5, 'd');
    q.push(1, 'b');
    q.push(3, 'x');
    const out: string[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.item);
    expect(out).toEqual(['a', 'b', 'x', 'c', 'd']);
  });

  test('retain keeps order', () => {
    const q = new EventQueue<number>();
    for (let i = 0; i < 50; i++) q.push(50 - i, i);
    q.retain((n) => n % 2 === 0);
    let last = -1;
    for (let e = q.pop(); e !== undefined; e = q.pop()) {
      expect(e.atMs).toBeGreaterThan(last);
      last = e.atMs;
    }
  });
});

describe('SimNetwork', () => {
  const rng = () => SimRng.fromSeed(3);
  test('blocked channels carry nothing; one-way partitions block one direction only', () => {
    const net = new SimNetwork(['a', 'b', 'c'], ['eth1'], rng());
    net.partition(['a'], true);
    expect(net.transmit('a', 'b', 'eth1')).toEqual([]);
    expect(net.transmit('b', 'a', 'eth1').length).toBe(1);
    expect(net.reachable('a', 'c')).toBe(false);
    expect(net.reachable('c', 'a')).toBe(true);
    net.healAll();
    expect(net.transmit('a', 'b', 'eth1').length).toBe(1);
  });

  test('loss, duplication and delay ranges', () => {
    const net = new SimNetwork(['a', 'b'], ['eth1'], rng());
    net.setPair('a', 'b', { lossP: 0.5, dupP: 0.5, delayMinMs: 10, delayMaxMs: 20 });
    let copies = 0;
    for (let i = 0; i < 2000; i++) {
      for (const d of net.transmit('a', 'b', 'eth1')) {
        copies++;
        expect(d).toBeGreaterThanOrEqual(10);
        expect(d).toBeLessThanOrEqual(20);
      }
    }
    expect(copies).toBeGreaterThan(1200);
    expect(copies).toBeLessThan(1800);
  });
});

describe('Connectivity', () => {
  test('a pair is connected while heartbeats flow both ways without a gap of deadtime', () => {
    const c = new Connectivity(1000);
    c.delivered('a', 'b', 0);
    expect(c.solidSince('a', 'b', 10)).toBeNull();
    c.delivered('b', 'a', 100);
    expect(c.solidSince('a', 'b', 200)).toBe(100);
    c.delivered('a', 'b', 900);
    c.delivered('b', 'a', 1050);
    expect(c.solidSince('a', 'b', 1060)).toBe(100);
    expect(c.solidSince('a', 'b', 2000)).toBeNull(); // silent for 1100 ms from a
    c.delivered('a', 'b', 2100);
    c.delivered('b', 'a', 2100);
    expect(c.solidSince('b', 'a', 2101)).toBe(2100); // a new streak
    c.forget('a');
    expect(c.solidSince('a', 'b', 2102)).toBeNull();
  });
});

describe('SimAgents', () => {
  const config = buildClusterConfig(seedTopology());
  const group = config.groups[0]!;
  const op = (opId: number, action: 'start' | 'stop' | 'status', idx = 0, timeoutMs = 10_000) =>
    ({ kind: 'runResourceOp', opId, group: group.id, resourceIndex: idx, resource: group.resources[idx]!, action, timeoutMs }) as const;

  test('start, failed stop (still running), stop, status', () => {
    const a = new SimAgents(config, SimRng.fromSeed(1));
    const s = a.begin('master1', op(1, 'start'), 0);
    expect(a.memberTruth('master1', 0, 0)).toBe('starting');
    expect(a.finish(s).outcome).toBe('ok');
    expect(a.memberTruth('master1', 0, 0)).toBe('running');
    a.behaviour('master1', group.resources[0]!.token).failStops = 1;
    const f = a.begin('master1', op(2, 'stop'), 10);
    expect(a.finish(f).outcome).toBe('failed');
    expect(a.memberTruth('master1', 0, 0)).toBe('running');
    expect(a.finish(a.begin('master1', op(3, 'status'), 20)).outcome).toBe('ok');
    expect(a.finish(a.begin('master1', op(4, 'stop'), 30)).outcome).toBe('ok');
    expect(a.isActive('master1', 0)).toBe(false);
    expect(a.finish(a.begin('master1', op(5, 'status'), 40)).outcome).toBe('notRunning');
  });

  test('a hanging start times out at the executor timeout; a dirty failure leaves a residue', () => {
    const a = new SimAgents(config, SimRng.fromSeed(1));
    const b = a.behaviour('master2', group.resources[0]!.token);
    b.hangs = 1;
    const h = a.begin('master2', op(1, 'start', 0, 5000), 100);
    expect(h.finishAtMs).toBe(5100);
    expect(a.finish(h).outcome).toBe('timedOut');
    expect(a.memberTruth('master2', 0, 0)).toBe('stopped');
    b.failStarts = 1;
    b.dirty = true;
    expect(a.finish(a.begin('master2', op(2, 'start'), 0)).outcome).toBe('failed');
    expect(a.memberTruth('master2', 0, 0)).toBe('running');
  });

  test('a service that died by itself reports failed until started again; a power loss stops everything', () => {
    const a = new SimAgents(config, SimRng.fromSeed(1));
    a.finish(a.begin('master1', op(1, 'start'), 0));
    expect(a.serviceDied('master1', 0, 0)).toBe(true);
    expect(a.finish(a.begin('master1', op(2, 'status'), 0)).outcome).toBe('failed');
    a.finish(a.begin('master1', op(3, 'start'), 0));
    a.machineDown('master1');
    expect(a.isActive('master1', 0)).toBe(false);
  });
});

describe('swarm', () => {
  test('each seed picks a valid cluster; the choice is a pure function of the seed', () => {
    for (let seed = 0; seed < 300; seed++) {
      const s = swarmFor(seed, 'ci');
      expect(swarmFor(seed, 'ci')).toEqual(s);
      const t = s.topology;
      expect(t.nodes.length).toBeGreaterThanOrEqual(2);
      expect(t.nodes.length).toBeLessThanOrEqual(4);
      expect(t.warntimeMs).toBeLessThan(t.deadtimeMs);
      expect(t.initdeadMs).toBeGreaterThanOrEqual(t.deadtimeMs);
      expect(new Set(t.groups.map((g) => g.tokens[0])).size).toBe(t.groups.length);
      expect(FAULT_KINDS.some((k) => s.faultWeights[k] > 0)).toBe(true);
      if (t.pingTargets.length === 0) expect(s.faultWeights.pingCut).toBe(0);
      expect(swarmFor(seed, 'ci', { disable: ['crash'] }).faultWeights.crash).toBe(0);
    }
  });
});

describe('--faults', () => {
  test('parses +kind/-kind and prints back what reproduces it', () => {
    const c = parseFaultsArgument('-pause,+processCrash,-flap');
    expect(c.disable).toEqual(['pause', 'flap']);
    expect(faultsArgument(c)).toBe('+processCrash,-pause,-flap');
    expect(faultsArgument(parseFaultsArgument(''))).toBe('');
    expect(() => parseFaultsArgument('pause')).toThrow(/not \+kind or -kind/);
    expect(() => parseFaultsArgument('-meteor')).toThrow(/known kind/);
    expect(swarmFor(9, 'ci', parseFaultsArgument('-crash')).faultWeights.crash).toBe(0);
  });
});

describe('renderEvent', () => {
  test('Heartbeat-like wording with the numbers behind it', () => {
    expect(renderEvent({ kind: 'peerDeclaredDead', atMs: 0, peer: 'master1', silentMs: 30_000 })).toEqual({ level: 'WARN', text: 'node master1: is dead (silent 30 s)' });
    expect(renderEvent({ kind: 'lateHeartbeat', atMs: 0, peer: 'master2', sinceMs: 12_400, warntimeMs: 10_000, deadtimeMs: 30_000 }).text).toBe(
      'Late heartbeat: Node master2: interval 12400 ms (warntime 10 s, deadtime 30 s)',
    );
    expect(renderEvent({ kind: 'linkUp', atMs: 0, peer: 'master2', link: 'ucast eth1' }).text).toBe('Link master2:ucast eth1 up.');
  });
});
