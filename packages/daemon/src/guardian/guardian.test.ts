import { describe, expect, test } from '@jest/globals';
import type { ResourceSpec } from '@hbd/config';
import type { ResourceOpRequest, ResourceOpResult } from '@hbd/executor';
import { Guardian, type GuardianLog } from './guardian';
import type { GuardianSettings } from './protocol';

function spec(token: string): ResourceSpec {
  const [name = token, ...args] = token.split('::');
  return { token, name, args, location: { file: 'haresources', line: 1, column: 1 }, agent: { path: `/agents/${name}`, kind: 'hbd' } };
}

function settings(overrides: Partial<GuardianSettings> = {}): GuardianSettings {
  return {
    node: 'alpha',
    hbdPid: 4242,
    logging: { debugLevel: 0 },
    stderr: false,
    underSystemd: false,
    groups: [
      { id: 'IPaddr2::10.0.0.5', resources: [spec('IPaddr2::10.0.0.5'), spec('Filesystem::/dev/x::/srv'), spec('nginx')] },
      { id: 'Dummy::other', resources: [spec('Dummy::other')] },
      { id: 'Dummy::idle', resources: [spec('Dummy::idle')] },
    ],
    stopTimeoutMs: 500,
    statusTimeoutMs: 300,
    stopRetriesMax: 2,
    stopRetryDelayMs: 100,
    deadtimeMs: 2000,
    agentEnv: { HA_CURHOST: 'alpha' },
    ...overrides,
  };
}

function result(outcome: ResourceOpResult['outcome'], durationMs = 10): ResourceOpResult {
  return { outcome, exitCode: outcome === 'ok' ? 0 : 1, exitSignal: null, durationMs, outputTail: outcome === 'ok' ? '' : 'it went wrong\n', reason: outcome === 'ok' ? 'exit 0' : 'exit 1', argv: [], agentKind: 'hbd' };
}

interface Harness {
  guardian: Guardian;
  calls: string[];
  killed: number[];
  lines: string[];
  clock: { nowMs: number };
  /** Most agent calls in flight at once. */
  maxActive(): number;
}

/** `answer(token, action, attempt)` decides each agent call; each call takes `durationMs` of fake time. */
function harness(answer: (token: string, action: string, attempt: number) => ResourceOpResult['outcome'] = () => 'ok', durationMs = 50): Harness {
  const calls: string[] = [];
  const killed: number[] = [];
  const lines: string[] = [];
  const clock = { nowMs: 1000 };
  const attempts = new Map<string, number>();
  let active = 0;
  let maxActive = 0;
  const log: GuardianLog = {
    log: (level, text) => lines.push(`${level}: ${text}`),
    debug: (verbosity, text) => lines.push(`debug${verbosity}: ${text}`),
  };
  const guardian = new Guardian({
    async runOp(request: ResourceOpRequest) {
      const key = `${request.resource.token} ${request.action}`;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      calls.push(key);
      expect(request.env).toEqual({ HA_CURHOST: 'alpha' });
      expect(request.timeoutMs).toBe(request.action === 'stop' ? 500 : 300);
      active++;
      maxActive = Math.max(maxActive, active);
      for (let i = 0; i < 5; i++) await Promise.resolve();
      active--;
      clock.nowMs += durationMs;
      return result(answer(request.resource.token, request.action, attempt), durationMs);
    },
    killProcessGroup: (pgid) => {
      killed.push(pgid);
      return true;
    },
    nowMs: () => clock.nowMs,
    sleep: async (ms) => {
      clock.nowMs += ms;
    },
    log: () => log,
  });
  return { guardian, calls, killed, lines, clock, maxActive: () => maxActive };
}

describe('Guardian', () => {
  test('hbd gone: every held group stopped right to left, groups in parallel, nothing else touched', async () => {
    const h = harness();
    h.guardian.receive({ t: 'init', settings: settings() });
    h.guardian.receive({ t: 'held', groups: ['IPaddr2::10.0.0.5', 'Dummy::other'] });
    const report = await h.guardian.hbdGone();
    expect(report).toMatchObject({ cause: 'stopped', exitCode: 0, killedAgents: [] });
    const first = h.calls.filter((call) => !call.startsWith('Dummy'));
    expect(first).toEqual(['nginx stop', 'Filesystem::/dev/x::/srv stop', 'IPaddr2::10.0.0.5 stop']);
    expect(h.calls).toContain('Dummy::other stop');
    expect(h.calls.some((call) => call.startsWith('Dummy::idle'))).toBe(false);
    // Groups in parallel (both had an agent running at once); within a group one at a time.
    expect(h.maxActive()).toBe(2);
    expect(report.tookMs).toBe(200); // the fake clock adds every call's duration
    expect(h.lines.find((line) => line.startsWith('crit'))).toMatch(/^crit: guardian: hbd \(pid 4242\) is gone without a clean shutdown; stopping what it held here right to left before a peer takes over \(deadtime 2 s\): group IPaddr2::10\.0\.0\.5 \(IPaddr2::10\.0\.0\.5 Filesystem::\/dev\/x::\/srv nginx\); group Dummy::other$/);
    expect(h.lines).toContain('info: guardian: nginx stop: ok (exit 0) in 50 ms');
    expect(h.lines.at(-1)).toBe('notice: guardian: everything hbd held is stopped, 0.2 s after hbd was found gone (1.8 s before deadtime); guardian exits');
  });

  test('after the clean-shutdown goodbye nothing is stopped, even with groups still listed', async () => {
    const h = harness();
    h.guardian.receive({ t: 'init', settings: settings() });
    h.guardian.receive({ t: 'held', groups: ['Dummy::other'] });
    h.guardian.receive({ t: 'bye' });
    expect(await h.guardian.hbdGone()).toMatchObject({ cause: 'clean', exitCode: 0 });
    expect(h.calls).toEqual([]);
  });

  test('nothing held: says so and stops nothing', async () => {
    const h = harness();
    h.guardian.receive({ t: 'init', settings: settings() });
    h.guardian.receive({ t: 'held', groups: ['Dummy::other'] });
    h.guardian.receive({ t: 'held', groups: [] });
    expect(await h.guardian.hbdGone()).toMatchObject({ cause: 'nothingHeld', exitCode: 0 });
    expect(h.calls).toEqual([]);
    expect(h.lines.filter((line) => !line.startsWith('debug'))).toEqual(['notice: guardian: hbd (pid 4242) is gone without a clean shutdown; it held no resource group here, nothing to stop']);
  });

  test('an agent in flight is killed (process group) before the stops, and its group counts as held', async () => {
    const h = harness();
    h.guardian.receive({ t: 'init', settings: settings() });
    // The start of Dummy::other was announced before hbd learned the group is held.
    h.guardian.receive({ t: 'op', id: 7, group: 'Dummy::other', token: 'Dummy::other', action: 'start' });
    h.guardian.receive({ t: 'opPid', id: 7, pid: 31337 });
    // A finished operation is forgotten; a status in flight is killed but holds nothing.
    h.guardian.receive({ t: 'op', id: 8, group: 'Dummy::idle', token: 'Dummy::idle', action: 'start' });
    h.guardian.receive({ t: 'opPid', id: 8, pid: 555 });
    h.guardian.receive({ t: 'opDone', id: 8 });
    h.guardian.receive({ t: 'op', id: 9, group: 'IPaddr2::10.0.0.5', token: 'nginx', action: 'status' });
    h.guardian.receive({ t: 'opPid', id: 9, pid: 777 });
    expect(h.guardian.heldGroups()).toEqual(['Dummy::other']);
    const report = await h.guardian.hbdGone();
    expect(h.killed).toEqual([31337, 777]);
    expect(report.killedAgents).toEqual(['Dummy::other start (pid 31337)', 'nginx status (pid 777)']);
    expect(h.calls).toEqual(['Dummy::other stop']);
  });

  test('a failed stop is retried; one that never stops keeps the members to its left up and exits 1', async () => {
    const h = harness((token, action, attempt) => {
      if (token === 'nginx' && action === 'stop') return attempt < 2 ? 'failed' : 'ok';
      if (token === 'Filesystem::/dev/x::/srv') return action === 'stop' ? 'failed' : 'ok'; // status: still running
      return 'ok';
    });
    h.guardian.receive({ t: 'init', settings: settings() });
    h.guardian.receive({ t: 'held', groups: ['IPaddr2::10.0.0.5'] });
    const report = await h.guardian.hbdGone();
    expect(h.calls).toEqual([
      'nginx stop',
      'nginx stop',
      'Filesystem::/dev/x::/srv stop',
      'Filesystem::/dev/x::/srv stop',
      'Filesystem::/dev/x::/srv stop',
      'Filesystem::/dev/x::/srv status',
    ]);
    expect(report).toMatchObject({ exitCode: 1, groups: [{ group: 'IPaddr2::10.0.0.5', ok: false, stillRunning: ['Filesystem::/dev/x::/srv'] }] });
    expect(h.lines).toContain('error: guardian: nginx stop: failed (exit 1) in 50 ms: it went wrong');
    expect(h.lines).toContain('info: guardian: nginx stop (retry 1 of 2): ok (exit 0) in 50 ms');
    expect(h.lines.at(-1)).toMatch(/^crit: guardian: could not stop Filesystem::\/dev\/x::\/srv \(group IPaddr2::10\.0\.0\.5\): it may still run here while a peer takes over/);
  });

  test('a stop that keeps failing while status says stopped is accepted (Heartbeat\'s rule)', async () => {
    const h = harness((token, action) => (action === 'stop' ? 'failed' : 'notRunning'));
    h.guardian.receive({ t: 'init', settings: settings({ stopRetriesMax: 0 }) });
    h.guardian.receive({ t: 'held', groups: ['Dummy::other'] });
    expect(await h.guardian.hbdGone()).toMatchObject({ exitCode: 0 });
    expect(h.calls).toEqual(['Dummy::other stop', 'Dummy::other status']);
  });

  test('the time Node.js took to start after hbd was found gone counts against deadtime', async () => {
    const h = harness();
    h.guardian.receive({ t: 'init', settings: settings() });
    h.guardian.receive({ t: 'held', groups: ['Dummy::other'] });
    const report = await h.guardian.hbdGone(h.clock.nowMs - 80); // found gone 80 ms before Node.js ran this
    expect(report.tookMs).toBe(130);
    expect(h.lines.at(-1)).toBe('notice: guardian: everything hbd held is stopped, 0.13 s after hbd was found gone (1.87 s before deadtime); guardian exits');
  });

  test('a job that outlasts deadtime is reported as such', async () => {
    const h = harness(() => 'ok', 900);
    h.guardian.receive({ t: 'init', settings: settings() });
    h.guardian.receive({ t: 'held', groups: ['IPaddr2::10.0.0.5'] });
    await h.guardian.hbdGone();
    expect(h.lines.at(-1)).toBe('warning: guardian: everything hbd held is stopped, but only after 2.7 s, longer than deadtime 2 s: a peer may have started it meanwhile; guardian exits');
  });

  test('settings sent again (reload) replace the old ones; a held group unknown to them is reported', async () => {
    const h = harness();
    h.guardian.receive({ t: 'init', settings: settings() });
    h.guardian.receive({ t: 'init', settings: settings({ groups: [{ id: 'Dummy::other', resources: [spec('Dummy::other')] }] }) });
    h.guardian.receive({ t: 'held', groups: ['Dummy::other', 'Dummy::gone'] });
    expect(await h.guardian.hbdGone()).toMatchObject({ exitCode: 1 });
    expect(h.calls).toEqual(['Dummy::other stop']);
    expect(h.lines).toContain('crit: guardian: hbd held group Dummy::gone, which is not in the configuration it sent: cannot stop it; stop it by hand');
  });
});
