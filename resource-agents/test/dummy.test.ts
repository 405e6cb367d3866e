// The Dummy agent through the real executor: the contract, Heartbeat's output rule, and an
// ordered group with rollback. No root needed: Dummy only touches its state directory.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGroupSequentially } from '@hbd/executor';
import { op, resourceSpec, runContract } from './helpers';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hbd-dummy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Dummy', () => {
  test('passes the contract (start, start, status, stop, stop, status)', async () => {
    expect(await runContract(resourceSpec('Dummy::contract'), { env: { HA_RSCTMP: dir } })).toEqual([]);
  });

  test('gives the same answer when Heartbeat judges its status by the output', async () => {
    const env = { HA_RSCTMP: dir };
    const asHeartbeat = resourceSpec('Dummy::judged', { kind: 'heartbeat', dir: join(__dirname, '..') });
    expect((await op(asHeartbeat, 'status', { env })).outcome).toBe('notRunning');
    await op(asHeartbeat, 'start', { env });
    expect((await op(asHeartbeat, 'status', { env })).outcome).toBe('ok');
    await op(asHeartbeat, 'stop', { env });
    expect((await op(asHeartbeat, 'status', { env })).outcome).toBe('notRunning');
  });

  test('works through a symlink (e.g. from /etc/ha.d/resource.d): the library is found next to the real file', async () => {
    const link = join(dir, 'Dummy');
    await symlink(join(__dirname, '..', 'Dummy'), link);
    const viaLink = resourceSpec('Dummy::linked', { kind: 'heartbeat', dir });
    expect(await runContract(viaLink, { env: { HA_RSCTMP: dir } })).toEqual([]);
  });

  test('a requested failure is reported with its exit code and message', async () => {
    const result = await op(resourceSpec('Dummy::broken'), 'start', { env: { HA_RSCTMP: dir, HBD_DUMMY_FAIL: 'start:broken' } });
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(result.outputTail).toContain('start of broken fails on purpose');
  });
});

describe('an ordered group of Dummies through the executor', () => {
  const group = ['Dummy::ip', 'Dummy::disk', 'Dummy::fs', 'Dummy::db', 'Dummy::web'].map((t) => resourceSpec(t));

  test('starts left to right and stops right to left', async () => {
    const log = join(dir, 'order.log');
    const env = { HA_RSCTMP: dir, HBD_DUMMY_LOG: log };
    expect((await runGroupSequentially({ resources: group, action: 'start', common: { env } })).ok).toBe(true);
    expect((await runGroupSequentially({ resources: group, action: 'stop', common: { env } })).ok).toBe(true);
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual([
      'ip start', 'disk start', 'fs start', 'db start', 'web start',
      'web stop', 'db stop', 'fs stop', 'disk stop', 'ip stop',
    ]);
  });

  test('a failed start releases the whole group right to left', async () => {
    const log = join(dir, 'rollback.log');
    const env = { HA_RSCTMP: dir, HBD_DUMMY_LOG: log, HBD_DUMMY_FAIL: 'start:db' };
    const report = await runGroupSequentially({ resources: group, action: 'start', common: { env } });
    expect(report).toMatchObject({ ok: false, failedStart: 'Dummy::db', unclean: [] });
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual([
      'ip start', 'disk start', 'fs start', 'db start',
      'web stop', 'db stop', 'fs stop', 'disk stop', 'ip stop',
    ]);
    for (const r of group) expect((await op(r, 'status', { env: { HA_RSCTMP: dir } })).outcome).toBe('notRunning');
  });

  test('a stop that keeps failing is retried, then reported unclean', async () => {
    const env = { HA_RSCTMP: dir };
    await runGroupSequentially({ resources: group, action: 'start', common: { env } });
    const report = await runGroupSequentially({
      resources: group,
      action: 'stop',
      stopRetriesMax: 2,
      stopRetryDelayMs: 10,
      common: { env: { ...env, HBD_DUMMY_FAIL: 'stop:fs' } },
    });
    expect(report).toMatchObject({ ok: false, unclean: ['Dummy::fs'] });
    expect(report.steps.filter((s) => s.token === 'Dummy::fs' && s.action === 'stop')).toHaveLength(3);
    await runGroupSequentially({ resources: group, action: 'stop', common: { env } });
  });
});
