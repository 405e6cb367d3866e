import { expect, test } from '@jest/globals';
import { step, type Input } from '../src';
import { group, makeConfig } from './fixtures';
import { Pump } from './pump';

// step() is on the heartbeat hot path: a steady-state heartbeat must be cheap. Generous bound (CI
// machines vary); typical is a few microseconds per step.
test('a steady-state heartbeat step costs microseconds', () => {
  const config = makeConfig({
    nodes: ['nodea', 'nodeb', 'nodec'],
    pingTargets: [{ name: '10.0.0.1', kind: 'ping', addresses: ['10.0.0.1'] }],
    groups: [group('nodea', 'IPaddr::10.0.0.100', 'nginx'), group('nodeb', 'IPaddr::10.0.0.101', 'mysqld'), group('nodec', 'IPaddr::10.0.0.102')],
  });
  const p = new Pump(config);
  p.bootAll();
  p.run(5000);
  const s = p.state('nodea');
  const beat = p.state('nodeb');
  let now = p.now;
  const claims = [{ group: 'IPaddr::10.0.0.101', state: 'started' as const, epoch: 1 }];
  let seq = beat.stateSeq;
  const n = 50_000;
  const t0 = process.hrtime.bigint();
  let state = s;
  for (let i = 0; i < n; i++) {
    now += 1;
    const input: Input = {
      kind: 'packetReceived',
      nowMs: now,
      from: i % 2 === 0 ? 'nodeb' : 'nodec',
      link: 'eth0',
      generation: 1,
      message: { type: 'heartbeat', status: 'active', pingReachable: 1, claims: i % 2 === 0 ? claims : [], stateSeq: ++seq, seen: [0, 0, 0] },
    };
    state = step(state, input).state;
  }
  const usPerStep = Number(process.hrtime.bigint() - t0) / 1000 / n;
  expect(usPerStep).toBeLessThan(50);
  expect(state.phase).toBe('active');
});
