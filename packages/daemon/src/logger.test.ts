import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RateLimiter, createDaemonLog, formatBody, syslogTimestamp } from './logger';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hbd-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('daemon log', () => {
  test('Heartbeat-style lines: logfile without debug, debugfile with debug up to `debug N`, stderr', async () => {
    const logfile = join(dir, 'ha-log');
    const debugfile = join(dir, 'ha-debug');
    const stderr: string[] = [];
    const log = createDaemonLog({
      node: 'master1',
      pid: 187,
      logging: { logfile, debugfile, debugLevel: 1 },
      stderr: true,
      underSystemd: false,
      stderrWrite: (line) => stderr.push(line),
    });
    log.log('warning', 'node master2 is dead');
    log.debug(1, 'basic debug');
    log.debug(3, 'packet-level debug');
    await log.close();
    const plain = readFileSync(logfile, 'utf8').trim().split('\n');
    const debug = readFileSync(debugfile, 'utf8').trim().split('\n');
    expect(plain).toHaveLength(1);
    expect(plain[0]).toMatch(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\.\d{3} master1 hbd: \[187\]: WARN: node master2 is dead$/);
    expect(debug.map((line) => line.replace(/^.* hbd: /, ''))).toEqual(['[187]: WARN: node master2 is dead', '[187]: debug: basic debug']);
    expect(stderr).toHaveLength(2);
  });

  test('under systemd, stderr lines carry sd-daemon priorities and no timestamp', async () => {
    const stderr: string[] = [];
    const log = createDaemonLog({ node: 'n', pid: 5, logging: { debugLevel: 0 }, stderr: true, underSystemd: true, stderrWrite: (line) => stderr.push(line) });
    log.log('crit', 'ping quorum lost');
    log.log('info', 'hello');
    await log.close();
    expect(stderr).toEqual(['<2>hbd: [5]: CRIT: ping quorum lost\n', '<6>hbd: [5]: info: hello\n']);
  });

  test('logfacility: lines go to a long-lived syslog command with <severity> prefixes', async () => {
    const captured = join(dir, 'syslog');
    const fakeLogger = join(dir, 'fake-logger');
    writeFileSync(fakeLogger, `#!/bin/sh\necho "args: $*" > '${captured}'\ncat >> '${captured}'\n`);
    chmodSync(fakeLogger, 0o755);
    const log = createDaemonLog({ node: 'n', pid: 5, logging: { debugLevel: 0, logfacility: 'local0' }, stderr: false, underSystemd: false, syslogCommand: [fakeLogger, '-p', 'local0.info'] });
    log.log('warning', 'late heartbeat');
    log.log('notice', 'taking over');
    await log.close();
    for (let i = 0; i < 100 && !(existsSync(captured) && readFileSync(captured, 'utf8').includes('taking over')); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(readFileSync(captured, 'utf8')).toBe('args: -p local0.info\n<4>late heartbeat\n<5>taking over\n');
  });

  test('an unknown facility is reported, not fatal', async () => {
    const stderr: string[] = [];
    const log = createDaemonLog({ node: 'n', pid: 5, logging: { debugLevel: 0, logfacility: 'local9' }, stderr: true, underSystemd: false, stderrWrite: (line) => stderr.push(line) });
    log.log('info', 'x');
    await log.close();
    expect(stderr[0]).toMatch(/WARN: logfacility local9 is not a syslog facility; syslog disabled/);
  });

  test('formatting helpers', () => {
    expect(syslogTimestamp(new Date(2026, 10, 5, 3, 4, 5, 6))).toBe('Nov  5 03:04:05.006');
    expect(formatBody(1, 'warning', 'x')).toBe('hbd: [1]: WARN: x');
  });
});

describe('RateLimiter', () => {
  test('one line per key and interval, with the count suppressed meanwhile', () => {
    const limiter = new RateLimiter(1000);
    expect(limiter.allow('a', 0)).toBe(0);
    expect(limiter.allow('a', 10)).toBeNull();
    expect(limiter.allow('a', 20)).toBeNull();
    expect(limiter.allow('b', 30)).toBe(0);
    expect(limiter.allow('a', 1000)).toBe(2);
  });
});
