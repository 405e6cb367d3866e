import { describe, expect, test } from '@jest/globals';
import { group, makeConfig } from './fixtures';
import { Pump, type OpRecord } from './pump';

const WEB = 'IPaddr::10.0.0.100'; // nodea: IPaddr, Filesystem, nginx
const web = group('nodea', WEB, 'Filesystem::/dev/drbd0::/srv::ext4', 'nginx');
const DB = 'IPaddr::10.0.0.101';
const db = group('nodeb', DB, 'mysqld');

function opsOn(p: Pump, node: string, g: string, phase: OpRecord['phase'] = 'issued'): string[] {
  return p.ops.filter((o) => o.node === node && o.group === g && o.phase === phase && o.action !== 'status').map((o) => `${o.action} ${o.resource.split('::')[0]}`);
}

describe('start and stop order', () => {
  test('members start left to right, each after the previous succeeded, with the configured start timeout', () => {
    const p = new Pump(makeConfig({ groups: [web, db], agentTimeouts: { startMs: 7000, stopMs: 9000, statusMs: 3000 } }));
    p.opLatencyMs = 300;
    p.boot('nodea');
    p.run(15_000);
    const issued = p.ops.filter((o) => o.node === 'nodea' && o.group === WEB && o.action !== 'status');
    expect(issued.map((o) => `${o.phase} ${o.resource.split('::')[0]} @${o.atMs}`)).toEqual([
      'issued IPaddr @12000',
      'done IPaddr @12300',
      'issued Filesystem @12300',
      'done Filesystem @12600',
      'issued nginx @12600',
      'done nginx @12900',
    ]);
    expect(p.eventsOf('groupStarted').find((e) => e.group === WEB)).toMatchObject({ atMs: 12900, tookMs: 900 });
    const op = p.eventsOf('resourceOpStarted').find((e) => e.action === 'start')!;
    expect(op).toMatchObject({ action: 'start', resource: WEB });
    // timeoutMs comes from config.agentTimeouts (checked on the effect through a direct step).
    const st = p.state('nodea');
    expect(st.config.agentTimeouts.startMs).toBe(7000);
  });

  test('stop goes right to left', () => {
    const p = new Pump(makeConfig({ groups: [web, db] }));
    p.bootAll();
    p.run(5000);
    p.adminRequest('nodea', { command: 'standby', scope: 'all' });
    p.run(5000);
    expect(opsOn(p, 'nodea', WEB)).toEqual(['start IPaddr', 'start Filesystem', 'start nginx', 'stop nginx', 'stop Filesystem', 'stop IPaddr']);
    expect(opsOn(p, 'nodeb', WEB)).toEqual(['start IPaddr', 'start Filesystem', 'start nginx']);
  });
});

describe('failed start', () => {
  test('a failure in the middle stops the started members right to left, marks the group failed, and the peer takes it', () => {
    const p = new Pump(makeConfig({ groups: [web, db] }));
    p.agent = (node, op) => (node === 'nodea' && op.action === 'start' && op.resource.name === 'Filesystem' ? { outcome: 'failed', exitCode: 32, outputTail: 'mount: /srv: wrong fs type\n' } : undefined);
    p.bootAll();
    p.run(8000);
    expect(opsOn(p, 'nodea', WEB)).toEqual(['start IPaddr', 'start Filesystem', 'stop Filesystem', 'stop IPaddr']);
    expect(p.eventsOf('groupStartFailed', 'nodea')[0]).toMatchObject({ group: WEB, resource: 'Filesystem::/dev/drbd0::/srv::ext4', detail: 'failed, exit 32: mount: /srv: wrong fs type' });
    expect(p.view('nodea').groups[0]).toMatchObject({ localState: 'failed', owner: 'nodeb' });
    expect(p.view('nodea').groups[0]!.members.map((m) => m.state)).toEqual(['stopped', 'failed', 'stopped']);
    expect(p.fullyOn(WEB)).toEqual(['nodeb']);
    expect(p.eventsOf('groupTakeoverStarted', 'nodeb').find((e) => e.group === WEB)!.reason).toBe('nodea released it (failed); no ping nodes configured');
  });

  test('no ping-pong: failed on every node, the group stays stopped and says why, until cleanup', () => {
    const p = new Pump(makeConfig({ groups: [web, db] }));
    let broken = true;
    p.agent = (_node, op) => (broken && op.action === 'start' && op.resource.name === 'nginx' ? { outcome: 'failed' } : undefined);
    p.bootAll();
    p.run(60_000);
    const starts = p.ops.filter((o) => o.group === WEB && o.action === 'start' && o.resource === 'nginx' && o.phase === 'issued');
    expect(starts.map((o) => o.node)).toEqual(['nodea', 'nodeb']);
    expect(p.holders(WEB)).toEqual([]);
    expect(p.eventsOf('refusedTakeover').filter((e) => e.group === WEB)).toEqual([
      expect.objectContaining({ on: 'nodea', reason: `failed to start on nodea, nodeb; it stays stopped until hbctl cleanup ${WEB}` }),
    ]);
    // The operator fixes nginx and cleans up: it starts again on its preferred node.
    broken = false;
    const id = p.adminRequest('nodeb', { command: 'cleanup', group: WEB });
    p.run(3000);
    expect(p.admin.find((a) => a.effect.requestId === id)!.effect).toMatchObject({ ok: true, message: `cleared ${WEB} (failed on nodeb); told nodea` });
    expect(p.fullyOn(WEB)).toEqual(['nodea']);
    expect(p.eventsOf('groupCleanedUp').map((e) => `${e.on} by ${e.by}: ${e.was}`)).toEqual([`nodeb by nodeb: failed on nodeb`, `nodea by nodeb: failed on nodea`]);
  });

  test('a failed group gets another chance on a node when its holder dies', () => {
    const p = new Pump(makeConfig({ groups: [web, db] }));
    p.agent = (node, op) => (node === 'nodea' && op.action === 'start' && op.resource.name === 'nginx' && p.now < 10_000 ? { outcome: 'failed' } : undefined);
    p.bootAll();
    p.run(8000);
    expect(p.fullyOn(WEB)).toEqual(['nodeb']);
    p.crash('nodeb');
    p.run(10_000);
    expect(p.fullyOn(WEB)).toEqual(['nodea']);
  });

  test('a start that times out counts as failed', () => {
    const p = new Pump(makeConfig({ groups: [web, db] }));
    p.agent = (node, op) => (node === 'nodea' && op.action === 'start' && op.resource.name === 'nginx' ? { outcome: 'timedOut', exitCode: null, afterMs: 20_000 } : undefined);
    p.bootAll();
    p.run(30_000);
    expect(p.eventsOf('groupStartFailed', 'nodea')[0]!.detail).toBe('timed out after 20.0 s');
    expect(p.fullyOn(WEB)).toEqual(['nodeb']);
  });
});

describe('failed stop', () => {
  test('a failing stop is retried stopRetriesMax times a second apart, then status decides: not running → carry on', () => {
    const p = new Pump(makeConfig({ groups: [web, db], stopRetriesMax: 3 }));
    p.agent = (node, op) => {
      if (node === 'nodea' && op.action === 'stop' && op.resource.name === 'nginx') return { outcome: 'failed' };
      if (node === 'nodea' && op.action === 'status' && op.resource.name === 'nginx' && p.now > 1000) return { outcome: 'notRunning' };
      return undefined;
    };
    p.bootAll();
    p.run(5000);
    p.adminRequest('nodea', { command: 'standby', scope: 'all' });
    p.run(10_000);
    const nginx = p.ops.filter((o) => o.node === 'nodea' && o.resource === 'nginx' && o.phase === 'issued' && o.action !== 'start' && o.atMs > 1000);
    expect(nginx.map((o) => o.action)).toEqual(['stop', 'stop', 'stop', 'stop', 'status']);
    expect(nginx[1]!.atMs - nginx[0]!.atMs).toBe(1100); // 100 ms op + 1 s pause
    expect(p.fullyOn(WEB)).toEqual(['nodeb']);
    expect(p.eventsOf('groupUnclean')).toHaveLength(0);
  });

  test('still failing (and running): the group is unclean, the members before it stay up, no other node starts it', () => {
    const p = new Pump(makeConfig({ groups: [web, db], stopRetriesMax: 2 }));
    let busy = true;
    p.agent = (node, op) =>
      busy && node === 'nodea' && op.resource.name === 'Filesystem' && op.action !== 'start' && p.now > 1000
        ? { outcome: op.action === 'status' ? 'ok' : 'failed', outputTail: 'umount: /srv: target is busy' }
        : undefined;
    p.bootAll();
    p.run(5000);
    const id = p.adminRequest('nodea', { command: 'standby', scope: 'all' });
    p.run(60_000);
    expect(opsOn(p, 'nodea', WEB)).toEqual(['start IPaddr', 'start Filesystem', 'start nginx', 'stop nginx', 'stop Filesystem', 'stop Filesystem', 'stop Filesystem']);
    expect(p.view('nodea').groups[0]!.members.map((m) => m.state)).toEqual(['started', 'failed', 'stopped']);
    expect(p.eventsOf('groupUnclean', 'nodea')).toEqual([expect.objectContaining({ group: WEB, resource: 'Filesystem::/dev/drbd0::/srv::ext4', attempts: 3 })]);
    expect(p.view('nodea').groups[0]).toMatchObject({ localState: 'unclean', owner: 'nodea' });
    expect(p.view('nodeb').groups[0]).toMatchObject({ owner: 'nodea' });
    expect(p.ops.filter((o) => o.node === 'nodeb' && o.group === WEB && o.action !== 'status')).toHaveLength(0);
    const done = p.admin.find((a) => a.effect.requestId === id)!.effect;
    expect(done.ok).toBe(false);
    expect(done.message).toContain(`${WEB} could not be stopped on nodea (unclean)`);
    // A cleanup on nodeb cannot vouch for nodea, which is alive and speaks for itself.
    const cleanupId = p.adminRequest('nodeb', { command: 'cleanup', group: WEB });
    expect(p.admin.find((a) => a.effect.requestId === cleanupId)!.effect.message).toBe(
      `cleared ${WEB} (nothing to clear; still unclean on nodea (run the cleanup there)); told nodea`,
    );
    p.run(2000);
    expect(p.view('nodeb').groups[0]!.blockedBy).toEqual({ node: 'nodea', why: 'unclean' });
    // Even when nodea dies, nodeb does not start it: nothing says the filesystem is unmounted.
    p.crash('nodea', true);
    p.run(10_000);
    expect(p.ops.filter((o) => o.node === 'nodeb' && o.group === WEB && o.action !== 'status')).toHaveLength(0);
    expect(p.eventsOf('refusedTakeover', 'nodeb').find((e) => e.group === WEB)!.reason).toBe(
      `nodea could not stop it (unclean); no fencing configured: check the node, then hbctl cleanup ${WEB}`,
    );
    // `hbctl status` on nodeb can say why it is stopped.
    expect(p.view('nodeb').groups[0]).toMatchObject({ owner: null, blockedBy: { node: 'nodea', why: 'unclean' } });
    expect(p.view('nodeb').groups[0]!.refusal).toMatch(/^nodea could not stop it/);
    // nodea comes back as a new incarnation: its start-up probe checks every member (the operator
    // unmounted it by hand) and it runs its group again. nodeb cannot tell that fresh copy from an
    // adopted stuck one, so it remembers the failed stop until nodea stops the group cleanly.
    busy = false;
    p.running['nodea']!.clear();
    p.boot('nodea');
    p.run(3000);
    expect(p.fullyOn(WEB)).toEqual(['nodea']);
    expect(p.view('nodeb').groups[0]!.owner).toBe('nodea');
    expect(p.view('nodeb').groups[0]!.blockedBy).toEqual({ node: 'nodea', why: 'unclean' });
    p.adminRequest('nodea', { command: 'standby', scope: 'all' });
    p.run(10_000);
    expect(p.fullyOn(WEB)).toEqual(['nodeb']);
    expect(p.view('nodeb').groups[0]!.blockedBy).toBeUndefined();
  });

  test('cleanup after a failed stop on a dead node lets the survivor take the group', () => {
    const p = new Pump(makeConfig({ groups: [web, db], stopRetriesMax: 0 }));
    p.agent = (node, op) => (node === 'nodea' && op.resource.name === 'nginx' && op.action !== 'start' ? { outcome: 'failed' } : undefined);
    p.bootAll();
    p.run(5000);
    p.adminRequest('nodea', { command: 'standby', scope: 'all' });
    p.run(3000);
    p.crash('nodea');
    p.run(10_000);
    expect(p.holders(WEB)).toEqual([]);
    p.adminRequest('nodeb', { command: 'cleanup', group: WEB });
    p.run(2000);
    expect(p.fullyOn(WEB)).toEqual(['nodeb']);
  });
});

describe('fencing', () => {
  test('unclean on a live node: the peer fences it, then takes the group', () => {
    const p = new Pump(makeConfig({ groups: [web, db], stopRetriesMax: 1, stonithHosts: ['nodea external/ssh nodea'] }));
    p.agent = (node, op) => (node === 'nodea' && op.resource.name === 'nginx' && op.action !== 'start' && p.now > 1000 ? { outcome: 'failed' } : undefined);
    p.bootAll();
    p.run(5000);
    p.adminRequest('nodea', { command: 'standby', scope: 'all' });
    p.run(10_000);
    expect(p.fences).toEqual([expect.objectContaining({ by: 'nodeb', node: 'nodea' })]);
    expect(p.eventsOf('fencingStarted', 'nodeb')[0]!.reason).toBe(`nodea could not stop ${WEB}`);
    expect(p.eventsOf('fencingFinished', 'nodeb')[0]).toMatchObject({ node: 'nodea', success: true });
    expect(p.fullyOn(WEB)).toEqual(['nodeb']);
    const fencedAt = p.eventsOf('fencingFinished', 'nodeb')[0]!.atMs;
    const started = p.ops.find((o) => o.node === 'nodeb' && o.group === WEB && o.action === 'start')!;
    expect(started.atMs).toBeGreaterThanOrEqual(fencedAt);
    expect(p.eventsOf('groupTakeoverStarted', 'nodeb').find((e) => e.group === WEB)!.reason).toBe('nodea was fenced; no ping nodes configured');
  });

  test('a dead node that held groups is fenced before its groups are taken over; a failed fence is retried', () => {
    const p = new Pump(makeConfig({ groups: [web, db], stonithHosts: ['nodea external/ipmi'] }));
    p.bootAll();
    p.run(5000);
    p.fenceSucceeds = false;
    p.crash('nodea', true);
    p.run(12_000);
    expect(p.fences.length).toBeGreaterThanOrEqual(2);
    expect(p.fences[1]!.atMs - p.fences[0]!.atMs).toBe(5050);
    expect(p.ops.filter((o) => o.node === 'nodeb' && o.group === WEB && o.action === 'start')).toHaveLength(0);
    p.fenceSucceeds = true;
    p.run(6000);
    expect(p.fullyOn(WEB)).toEqual(['nodeb']);
  });

  test('a shutdown whose `leaving` never arrived is not a clean leave: the node is fenced before its groups move', () => {
    const p = new Pump(makeConfig({ groups: [web, db], stonithHosts: ['nodea external/ipmi'], stopRetriesMax: 0 }));
    p.opLatencyMs = 300;
    p.agent = (node, op) => (node === 'nodea' && op.resource.name === 'nginx' && op.action !== 'start' && p.now > 1000 ? { outcome: 'failed' } : undefined);
    p.bootAll();
    p.run(5000);
    p.input('nodea', { kind: 'shutdownRequested', nowMs: p.now });
    p.run(50); // nodeb hears the shutdown begin ('leaving' heartbeat, WEB stopping) ...
    p.cut('nodea', 'nodeb'); // ... and nothing after it: not the failed stop, not `leaving`
    p.run(5000);
    expect(p.eventsOf('groupUnclean', 'nodea')).toHaveLength(1);
    expect(p.eventsOf('shutdownCompleted', 'nodea')).toHaveLength(1);
    expect(p.eventsOf('peerLeaving', 'nodeb')).toHaveLength(1);
    p.crash('nodea', true);
    p.heal();
    p.run(10_000);
    expect(p.fences).toEqual([expect.objectContaining({ by: 'nodeb', node: 'nodea' })]);
    const fencedAt = p.eventsOf('fencingFinished', 'nodeb')[0]!.atMs;
    const started = p.ops.find((o) => o.node === 'nodeb' && o.group === WEB && o.action === 'start')!;
    expect(started.atMs).toBeGreaterThanOrEqual(fencedAt);
    expect(p.fullyOn(WEB)).toEqual(['nodeb']);
  });

  test('a node that left cleanly is not fenced', () => {
    const p = new Pump(makeConfig({ groups: [web, db], stonithHosts: ['nodea external/ipmi'] }));
    p.bootAll();
    p.run(5000);
    p.input('nodea', { kind: 'shutdownRequested', nowMs: p.now });
    p.run(2000);
    p.crash('nodea');
    p.run(10_000);
    expect(p.fences).toEqual([]);
    expect(p.fullyOn(WEB)).toEqual(['nodeb']);
  });
});

describe('monitoring (monitorIntervalMs > 0)', () => {
  test('started members are checked left to right every interval', () => {
    const p = new Pump(makeConfig({ groups: [web], nodes: ['nodea'], monitorIntervalMs: 10_000 }));
    p.boot('nodea');
    p.run(25_000);
    const st = p.ops.filter((o) => o.action === 'status' && o.phase === 'issued').map((o) => `${o.resource.split('::')[0]} @${o.atMs}`);
    // The start-up probe (status ×3, 10 ms each), the start (3 × 100 ms), then a check every 10 s.
    expect(st).toEqual(['IPaddr @0', 'Filesystem @10', 'nginx @20', 'IPaddr @10330', 'Filesystem @10340', 'nginx @10350', 'IPaddr @20360', 'Filesystem @20370', 'nginx @20380']);
  });

  test('a dead service is restarted in place; failing again soon after, the group moves', () => {
    const p = new Pump(makeConfig({ groups: [web, db], monitorIntervalMs: 5000 }));
    p.bootAll();
    p.run(3000);
    p.running['nodea']!.delete(`${WEB}#2`); // nginx crashes
    p.run(8000);
    const f = p.eventsOf('resourceFailed', 'nodea');
    expect(f).toEqual([expect.objectContaining({ group: WEB, resource: 'nginx', outcome: 'notRunning', action: 'restart' })]);
    expect(p.fullyOn(WEB)).toEqual(['nodea']);
    expect(opsOn(p, 'nodea', WEB).slice(3)).toEqual(['stop nginx', 'stop Filesystem', 'stop IPaddr', 'start IPaddr', 'start Filesystem', 'start nginx']);
    p.running['nodea']!.delete(`${WEB}#2`); // and again, well within 10 intervals
    p.run(10_000);
    expect(p.eventsOf('resourceFailed', 'nodea')[1]).toMatchObject({ action: 'move' });
    expect(p.fullyOn(WEB)).toEqual(['nodeb']);
    expect(p.view('nodea').groups[0]!.localState).toBe('failed');
  });
});

describe('cleanup and reordering', () => {
  test('a heartbeat sent before a cleanup, arriving after it, does not bring the unclean state back', () => {
    const p = new Pump(makeConfig({ groups: [web, db] }));
    p.bootAll();
    p.run(3000);
    const a = p.state('nodea');
    const g = a.groups[0]!;
    // nodea's WEB is unclean (as after a failed stop); nodeb has heard so.
    g.state = 'unclean';
    p.run(1500);
    expect(p.view('nodeb').groups[0]!.blockedBy).toEqual({ node: 'nodea', why: 'unclean' });
    const staleSeq = p.state('nodeb').nodes[0]!.stateSeq;
    p.adminRequest('nodea', { command: 'cleanup', group: WEB });
    p.run(50);
    expect(p.view('nodeb').groups[0]!.blockedBy).toBeUndefined();
    // A late copy of an older heartbeat that still claimed 'unclean' arrives now.
    p.input('nodeb', {
      kind: 'packetReceived',
      nowMs: p.now,
      from: 'nodea',
      link: 'eth0',
      generation: a.generation,
      message: { type: 'heartbeat', status: 'active', pingReachable: 0, claims: [{ group: WEB, state: 'unclean', epoch: 1 }], stateSeq: staleSeq },
    });
    expect(p.view('nodeb').groups[0]!.blockedBy).toBeUndefined();
  });
});

describe('start-up probe', () => {
  test('a restarted hbd finds its group still running: every member → adopted, no restart', () => {
    const p = new Pump(makeConfig({ groups: [web, db] }));
    p.bootAll();
    p.run(5000);
    p.crash('nodea', true); // kill -9 of hbd alone: the services keep running
    p.run(1000);
    const before = p.ops.length;
    p.boot('nodea');
    p.run(10_000);
    expect(p.eventsOf('groupFoundRunning', 'nodea')).toEqual([expect.objectContaining({ group: WEB, action: 'adopt', running: web.resources.map((r) => r.token) })]);
    expect(p.ops.slice(before).filter((o) => o.action !== 'status')).toEqual([]);
    expect(p.fullyOn(WEB)).toEqual(['nodea']);
    expect(p.view('nodea').groups[0]).toMatchObject({ localState: 'started', owner: 'nodea' });
    expect(p.view('nodeb').groups[0]).toMatchObject({ owner: 'nodea' });
  });

  test('members found running without the ones before them are stopped, right to left, before the node becomes active', () => {
    const p = new Pump(makeConfig({ groups: [web, db] }));
    p.running['nodea']!.add(`${WEB}#2`).add(`${WEB}#1`); // Filesystem and nginx, but no IP
    p.boot('nodea');
    p.run(50);
    expect(p.eventsOf('groupFoundRunning')).toEqual([expect.objectContaining({ group: WEB, action: 'stop', running: [web.resources[1]!.token, 'nginx'] })]);
    expect(p.eventsOf('communicationsUp')).toHaveLength(0);
    p.run(14_000);
    const ops = p.ops.filter((o) => o.group === WEB && o.phase === 'issued' && o.action !== 'status').map((o) => `${o.action} ${o.resource.split('::')[0]}`);
    expect(ops).toEqual(['stop nginx', 'stop Filesystem', 'start IPaddr', 'start Filesystem', 'start nginx']);
    expect(p.fullyOn(WEB)).toEqual(['nodea']);
  });
});
