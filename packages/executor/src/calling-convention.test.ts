import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import type { ResourceSpec } from '@hbd/config';
import { agentArgv, heartbeatStatusFromOutput, judgeOutcome } from './calling-convention';

const spec = (token: string): ResourceSpec => {
  const [name = '', ...args] = token.split('::');
  return { token, name, args, location: { file: 'haresources', line: 1, column: 1 } };
};

describe('agentArgv', () => {
  test('resource.d scripts get args then the action, as ResourceManager calls them', () => {
    expect(agentArgv({ path: '/etc/ha.d/resource.d/testrsc', kind: 'heartbeat' }, spec('testrsc::B1::extra'), 'start')).toEqual([
      '/etc/ha.d/resource.d/testrsc',
      'B1',
      'extra',
      'start',
    ]);
    expect(agentArgv({ path: '/x/IPaddr2', kind: 'hbd' }, spec('IPaddr2::10.99.0.101/24/eth0'), 'status')).toEqual(['/x/IPaddr2', '10.99.0.101/24/eth0', 'status']);
  });
  test('LSB init scripts get only the action', () => {
    expect(agentArgv({ path: '/etc/init.d/nginx', kind: 'lsb' }, spec('nginx'), 'stop')).toEqual(['/etc/init.d/nginx', 'stop']);
  });
  test('empty arguments vanish and blanks split words, as the shell did', () => {
    expect(agentArgv({ path: '/f', kind: 'heartbeat' }, spec('Filesystem::/dev/sdb1::::ext4'), 'start')).toEqual(['/f', '/dev/sdb1', 'ext4', 'start']);
  });
});

describe('heartbeatStatusFromOutput', () => {
  test.each([
    ['INFO: Running OK', true],
    ['INFO: IPaddr2 Resource is stopped', false],
    ['nginx is running.', true],
    ['nginx is not running ... failed!', false],
    ['NOT yet Running', false],
    ['notrunning', true], // no blank after "not": the running pattern wins, as in the shell
    ['stopped', false],
    ['', false],
    ['ok', false], // only upper-case OK counts
    ['running (Primary)', true],
  ])('%j → running=%s', (out, running) => {
    expect(heartbeatStatusFromOutput(out).running).toBe(running);
  });

  test('agrees with the shell case statement Heartbeat uses, on arbitrary output', () => {
    const word = fc.constantFrom('not', 'Not', 'NOT', 'running', 'Running', 'OK', 'ok', ' ', '\n', 'x', 'is', 'stopped', '*');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (words) => {
        const out = words.join('');
        const sh = spawnSync(
          'sh',
          ['-c', 'case "$1" in *[Nn][Oo][Tt]\\ *[Rr]unning*) echo no;; *[Rr]unning*|*OK*) echo yes;; *) echo no;; esac', 'sh', out],
          { encoding: 'utf8' },
        );
        expect(heartbeatStatusFromOutput(out).running).toBe(sh.stdout.trim() === 'yes');
      }),
      { numRuns: 150 },
    );
  });
});

describe('judgeOutcome', () => {
  const base = { exitSignal: null, stdout: '' };
  test('heartbeat-kind status ignores the exit code', () => {
    expect(judgeOutcome({ ...base, kind: 'heartbeat', action: 'status', exitCode: 1, stdout: 'Running OK' }).outcome).toBe('ok');
    expect(judgeOutcome({ ...base, kind: 'heartbeat', action: 'status', exitCode: 0, stdout: 'stopped' }).outcome).toBe('notRunning');
  });
  test('LSB and hbd status use exit codes: 0 running, 3 stopped, anything else failed', () => {
    for (const kind of ['lsb', 'hbd'] as const) {
      expect(judgeOutcome({ ...base, kind, action: 'status', exitCode: 0, stdout: 'stopped' }).outcome).toBe('ok');
      expect(judgeOutcome({ ...base, kind, action: 'status', exitCode: 3, stdout: 'running' }).outcome).toBe('notRunning');
      expect(judgeOutcome({ ...base, kind, action: 'status', exitCode: 1 }).outcome).toBe('failed');
      expect(judgeOutcome({ ...base, kind, action: 'status', exitCode: 4 }).outcome).toBe('failed');
    }
  });
  test('start and stop: exit 0 is success for every kind', () => {
    expect(judgeOutcome({ ...base, kind: 'heartbeat', action: 'start', exitCode: 0 }).outcome).toBe('ok');
    expect(judgeOutcome({ ...base, kind: 'lsb', action: 'stop', exitCode: 1 })).toEqual({ outcome: 'failed', reason: 'exit 1: generic error' });
    expect(judgeOutcome({ ...base, kind: 'hbd', action: 'start', exitCode: null, exitSignal: 'SIGSEGV' })).toEqual({ outcome: 'failed', reason: 'killed by SIGSEGV' });
  });
});
