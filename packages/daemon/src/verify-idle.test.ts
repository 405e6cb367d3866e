import { describe, expect, test } from '@jest/globals';
import { memoryLog } from '../test/memory-log';
import { resource, testConfig } from '../test/test-config';
import type { ResourceOpOutcome, ResourceRunner, RunResourceOpEffect } from './ports';
import { stopStrayResources } from './verify-idle';

/** A runner over a set of "running" resources; stops of names in `stuck` fail. */
function runner(running: Set<string>, stuck = new Set<string>()) {
  const calls: string[] = [];
  const fake: ResourceRunner = {
    run(op: RunResourceOpEffect): Promise<ResourceOpOutcome> {
      const token = op.resource.token;
      calls.push(`${token} ${op.action}`);
      const done = (outcome: ResourceOpOutcome['outcome'], exitCode: number | null): Promise<ResourceOpOutcome> => Promise.resolve({ outcome, exitCode, outputTail: '', durationMs: 1 });
      if (op.action === 'status') return running.has(token) ? done('ok', 0) : done('notRunning', 3);
      if (stuck.has(token)) return done('failed', 1);
      running.delete(token);
      return done('ok', 0);
    },
    abortAll: () => undefined,
  };
  return { fake, calls };
}

const config = testConfig({
  stopRetriesMax: 1,
  groups: [
    { id: 'Dummy::a', preferredNode: 'alpha', resources: [resource('Dummy::a'), resource('Dummy::b'), resource('Dummy::c')], location: { file: 'haresources', line: 1, column: 1 } },
    { id: 'Dummy::z', preferredNode: 'beta', resources: [resource('Dummy::z')], location: { file: 'haresources', line: 2, column: 1 } },
  ],
});

describe('stopStrayResources', () => {
  test('nothing running: only status checks', async () => {
    const { fake, calls } = runner(new Set());
    expect(await stopStrayResources(config, fake, memoryLog())).toEqual({ stopped: [], stuck: [] });
    expect(calls).toEqual(['Dummy::a status', 'Dummy::b status', 'Dummy::c status', 'Dummy::z status']);
  });

  test('a leftover group is stopped right to left, with a CRIT line', async () => {
    const running = new Set(['Dummy::a', 'Dummy::b']);
    const { fake, calls } = runner(running);
    const log = memoryLog();
    expect(await stopStrayResources(config, fake, log)).toEqual({ stopped: ['Dummy::a'], stuck: [] });
    expect(calls.filter((call) => call.endsWith('stop'))).toEqual(['Dummy::c stop', 'Dummy::b stop', 'Dummy::a stop']);
    expect(running.size).toBe(0);
    expect(log.find(/^crit: Dummy::a \(ok\), Dummy::b \(ok\) of group Dummy::a found running/)).toBeDefined();
  });

  test('a stop that keeps failing is retried, then reported stuck and nothing left of it is touched', async () => {
    const running = new Set(['Dummy::a', 'Dummy::b', 'Dummy::c']);
    const { fake, calls } = runner(running, new Set(['Dummy::b']));
    const report = await stopStrayResources(config, fake, memoryLog());
    expect(report.stuck).toEqual([{ group: 'Dummy::a', resource: 'Dummy::b', detail: 'failed, exit 1: ' }]);
    expect(calls.filter((call) => call.endsWith('stop'))).toEqual(['Dummy::c stop', 'Dummy::b stop', 'Dummy::b stop']);
    expect(running.has('Dummy::a')).toBe(true);
  });
});
