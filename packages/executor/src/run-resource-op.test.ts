import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentKind, ResourceSpec } from '@hbd/config';
import { runResourceOp } from './run-resource-op';
import type { AgentOpLogEntry } from './types';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hbd-executor-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let counter = 0;
async function agent(body: string, kind: AgentKind = 'hbd', args: string[] = []): Promise<ResourceSpec> {
  counter += 1;
  const path = join(dir, `agent${counter}`);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return { token: [`agent${counter}`, ...args].join('::'), name: `agent${counter}`, args, location: { file: 'haresources', line: 1, column: 1 }, agent: { path, kind } };
}

/** Alive and not a zombie waiting for init to reap it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

describe('runResourceOp', () => {
  test('passes args then the action, and reports exit 0 as ok with the output tail', async () => {
    const resource = await agent('echo "args: $*"', 'hbd', ['10.0.0.1/24', 'eth0']);
    const result = await runResourceOp({ resource, action: 'start', timeoutMs: 5_000 });
    expect(result).toMatchObject({ outcome: 'ok', exitCode: 0, exitSignal: null, outputTail: 'args: 10.0.0.1/24 eth0 start', reason: 'exit 0' });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  test('a failed start is failed with its exit code; stderr is in the tail', async () => {
    const resource = await agent('echo "ERROR: no such interface" >&2; exit 6');
    const result = await runResourceOp({ resource, action: 'start', timeoutMs: 5_000 });
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 6, outputTail: 'ERROR: no such interface', reason: 'exit 6: program not configured' });
  });

  test('status of a heartbeat script is read from stdout only, exit code ignored', async () => {
    const running = await agent('echo "INFO: Running OK"; exit 7', 'heartbeat');
    expect((await runResourceOp({ resource: running, action: 'status', timeoutMs: 5_000 })).outcome).toBe('ok');
    const stopped = await agent('echo "running" >&2; echo "Resource is stopped"; exit 0', 'heartbeat');
    expect((await runResourceOp({ resource: stopped, action: 'status', timeoutMs: 5_000 })).outcome).toBe('notRunning');
  });

  test('status of an LSB script is read from the exit code', async () => {
    const resource = await agent('echo "nginx is running"; exit 3', 'lsb');
    const result = await runResourceOp({ resource, action: 'status', timeoutMs: 5_000 });
    expect(result.outcome).toBe('notRunning');
    expect(result.argv).toEqual([resource.agent?.path, 'status']);
  });

  test('the environment is clean: the daemon\'s variables do not leak, the caller\'s env is added', async () => {
    process.env.HBD_SHOULD_NOT_LEAK = 'secret';
    try {
      const resource = await agent('env | sort');
      const result = await runResourceOp({ resource, action: 'start', timeoutMs: 5_000, env: { HA_CURHOST: 'alpha' } });
      const names = result.outputTail.split('\n').map((line) => line.split('=')[0]);
      expect(names).toEqual(expect.arrayContaining(['PATH', 'LANG', 'LC_ALL', 'HOME', 'HA_CURHOST']));
      expect(result.outputTail).not.toContain('HBD_SHOULD_NOT_LEAK');
      expect(result.outputTail).toContain('HA_CURHOST=alpha');
      expect(result.outputTail).toContain('LANG=C');
    } finally {
      delete process.env.HBD_SHOULD_NOT_LEAK;
    }
  });

  test('a timeout kills the whole process group, grandchildren included', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const resource = await agent(`sleep 30 & echo $! > ${pidFile}; trap '' TERM; sleep 30`);
    const started = Date.now();
    const result = await runResourceOp({ resource, action: 'start', timeoutMs: 300, killGraceMs: 300 });
    expect(result.outcome).toBe('timedOut');
    expect(result.reason).toMatch(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(3_000);
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    expect(alive(grandchild)).toBe(false);
  });

  test('processes that ignore SIGTERM get SIGKILL after the grace', async () => {
    const resource = await agent(`trap '' TERM; sleep 30 & wait; sleep 30`);
    const result = await runResourceOp({ resource, action: 'stop', timeoutMs: 200, killGraceMs: 200 });
    expect(result.outcome).toBe('timedOut');
    expect(result.durationMs).toBeGreaterThanOrEqual(400);
    expect(result.durationMs).toBeLessThan(4_000);
  });

  test('a daemon left holding the agent\'s stdout does not block the result', async () => {
    const pidFile = join(dir, 'daemon.pid');
    const resource = await agent(`sleep 20 & echo $! > ${pidFile}; echo started`);
    const result = await runResourceOp({ resource, action: 'start', timeoutMs: 5_000 });
    expect(result).toMatchObject({ outcome: 'ok', outputTail: 'started' });
    expect(result.durationMs).toBeLessThan(2_000);
    const daemon = Number(await readFile(pidFile, 'utf8'));
    expect(alive(daemon)).toBe(true); // a finished start does not kill what it started
    process.kill(daemon, 'SIGKILL');
  });

  test('a timeout while only the output of a finished agent is awaited does not kill its daemon', async () => {
    const pidFile = join(dir, 'daemon2.pid');
    const resource = await agent(`sleep 20 & echo $! > ${pidFile}; echo started`);
    const result = await runResourceOp({ resource, action: 'start', timeoutMs: 100 });
    expect(result).toMatchObject({ outcome: 'ok', exitCode: 0 });
    const daemon = Number(await readFile(pidFile, 'utf8'));
    expect(alive(daemon)).toBe(true);
    process.kill(daemon, 'SIGKILL');
  });

  test('an agent that cannot be run is a failed outcome, not an exception', async () => {
    const missing: ResourceSpec = { token: 'nope', name: 'nope', args: [], location: { file: 'haresources', line: 1, column: 1 }, agent: { path: join(dir, 'missing'), kind: 'hbd' } };
    const result = await runResourceOp({ resource: missing, action: 'start', timeoutMs: 5_000 });
    expect(result).toMatchObject({ outcome: 'failed', exitCode: null, reason: expect.stringContaining('ENOENT') });
    const unresolved: ResourceSpec = { token: 'ghost', name: 'ghost', args: [], location: { file: 'haresources', line: 1, column: 1 } };
    expect((await runResourceOp({ resource: unresolved, action: 'status', timeoutMs: 5_000 })).reason).toMatch(/cannot locate resource script ghost/);
  });

  test('aborting kills the agent', async () => {
    const resource = await agent('sleep 30');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await runResourceOp({ resource, action: 'start', timeoutMs: 10_000, signal: controller.signal });
    expect(result).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('aborted') });
  });

  test('onLog sees the start and the end of every call', async () => {
    const resource = await agent('exit 0');
    const entries: AgentOpLogEntry[] = [];
    await runResourceOp({ resource, action: 'stop', timeoutMs: 5_000, onLog: (e) => entries.push(e) });
    expect(entries.map((e) => e.kind)).toEqual(['agentOpStarted', 'agentOpFinished']);
    expect(entries[1]).toMatchObject({ token: resource.token, action: 'stop', outcome: 'ok', exitCode: 0 });
  });

  test('the output tail is bounded', async () => {
    const resource = await agent('i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done');
    const result = await runResourceOp({ resource, action: 'start', timeoutMs: 5_000, tail: { maxLines: 3 } });
    expect(result.outputTail).toBe('[…]\nline 1997\nline 1998\nline 1999');
  });

  test('a timeout too large for a timer means "no practical limit", not "kill at once"', async () => {
    const resource = await agent('sleep 0.2; echo done');
    expect(await runResourceOp({ resource, action: 'start', timeoutMs: Number.POSITIVE_INFINITY })).toMatchObject({ outcome: 'ok', outputTail: 'done' });
  });

  test('runIn prefixes the command (the lab uses nsenter)', async () => {
    const resource = await agent('echo "$0 $*"');
    const result = await runResourceOp({ resource, action: 'status', timeoutMs: 5_000, runIn: ['env', 'HBD_VIA=prefix'] });
    expect(result.outcome).toBe('ok');
    expect(result.argv).toEqual([resource.agent?.path, 'status']);
  });
});
