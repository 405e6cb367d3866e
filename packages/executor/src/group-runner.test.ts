import { describe, expect, test } from '@jest/globals';
import type { ResourceSpec } from '@hbd/config';
import { runGroupSequentially } from './group-runner';
import type { OpOutcome, ResourceOpRequest, ResourceOpResult } from './types';

const spec = (token: string): ResourceSpec => ({ token, name: token, args: [], location: { file: 'haresources', line: 1, column: 1 }, agent: { path: `/x/${token}`, kind: 'hbd' } });
const group = ['ip', 'disk', 'fs', 'db', 'web'].map(spec);

/** A scripted fake agent world: which resources run, which operations fail. */
function world(script: { failStart?: string; failStopTimes?: Record<string, number>; running?: string[] }) {
  const running = new Set(script.running ?? []);
  const stopFailures = { ...script.failStopTimes };
  const calls: string[] = [];
  const run = async (req: ResourceOpRequest): Promise<ResourceOpResult> => {
    const t = req.resource.token;
    calls.push(`${req.action} ${t}`);
    let outcome: OpOutcome = 'ok';
    if (req.action === 'status') outcome = running.has(t) ? 'ok' : 'notRunning';
    if (req.action === 'start') {
      if (script.failStart === t) outcome = 'failed';
      else running.add(t);
    }
    if (req.action === 'stop') {
      if ((stopFailures[t] ?? 0) > 0) {
        stopFailures[t] = (stopFailures[t] ?? 0) - 1;
        outcome = 'failed';
      } else running.delete(t);
    }
    return { outcome, exitCode: outcome === 'failed' ? 1 : 0, exitSignal: null, durationMs: 1, outputTail: '', reason: '', argv: [], agentKind: 'hbd' };
  };
  return { run, calls, running };
}

describe('runGroupSequentially (test/lab driver)', () => {
  test('start goes left to right, skipping what already runs', async () => {
    const w = world({ running: ['disk'] });
    const report = await runGroupSequentially({ resources: group, action: 'start', run: w.run });
    expect(report.ok).toBe(true);
    expect(w.calls.filter((c) => c.startsWith('start'))).toEqual(['start ip', 'start fs', 'start db', 'start web']);
  });

  test('a failed start releases the whole group right to left, never-started members included', async () => {
    const w = world({ failStart: 'db' });
    const report = await runGroupSequentially({ resources: group, action: 'start', run: w.run });
    expect(report).toMatchObject({ ok: false, failedStart: 'db', unclean: [] });
    expect(w.calls.filter((c) => c.startsWith('stop'))).toEqual(['stop web', 'stop db', 'stop fs', 'stop disk', 'stop ip']);
    expect(w.running.size).toBe(0);
  });

  test('stop goes right to left and retries a failing stop a bounded number of times', async () => {
    const w = world({ running: group.map((r) => r.token), failStopTimes: { fs: 2 } });
    const report = await runGroupSequentially({ resources: group, action: 'stop', run: w.run, stopRetryDelayMs: 1 });
    expect(report.ok).toBe(true);
    expect(w.calls).toEqual(['stop web', 'stop db', 'stop fs', 'stop fs', 'stop fs', 'stop disk', 'stop ip']);
    expect(report.steps.filter((s) => s.token === 'fs').map((s) => s.attempt)).toEqual([1, 2, 3]);
  });

  test('a stop that never succeeds while status says running leaves the resource unclean', async () => {
    const w = world({ running: group.map((r) => r.token), failStopTimes: { disk: 99 } });
    const report = await runGroupSequentially({ resources: group, action: 'stop', run: w.run, stopRetriesMax: 3, stopRetryDelayMs: 1 });
    expect(report).toMatchObject({ ok: false, unclean: ['disk'] });
    expect(w.calls.filter((c) => c === 'stop disk')).toHaveLength(4); // first attempt + 3 retries
    expect(w.calls).toContain('stop ip'); // the rest of the group is still released
  });
});
