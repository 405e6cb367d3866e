import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Prober } from './ports';
import { createPingProber, parsePingLine, pingArgv } from './ping-prober';

let dir: string;
let fakePing: string;
let calls: string;
const probers: Prober[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hbd-ping-'));
  calls = join(dir, 'calls');
  fakePing = join(dir, 'fake-ping');
  // Stand-in for a continuous `ping -n -O -i S ADDR` (bounded to 150 lines). It logs LC_ALL, its
  // argv and its pid per start. 127.0.0.1 answers; 127.9.9.9 has no route (exit 2 at once);
  // 127.0.0.7 answers twice, then dies; anything else never answers ("no answer yet").
  writeFileSync(
    fakePing,
    [
      '#!/bin/sh',
      `echo "$LC_ALL $* pid=$$" >> '${calls}'`,
      'interval=1; prev=; for a; do [ "$prev" = -i ] && interval=$a; prev=$a; last=$a; done',
      'echo "PING $last ($last) 56(84) bytes of data."',
      '[ "$last" = 127.9.9.9 ] && { echo "ping: connect: Network is unreachable" >&2; exit 2; }',
      'seq=1',
      'while [ $seq -le 150 ]; do',
      '  case $last in',
      '    127.0.0.1) echo "64 bytes from $last: icmp_seq=$seq ttl=64 time=0.045 ms" ;;',
      '    127.0.0.7) [ $seq -gt 2 ] && exit 1; echo "64 bytes from $last: icmp_seq=$seq ttl=64 time=0.045 ms" ;;',
      '    *) [ $seq -gt 1 ] && echo "no answer yet for icmp_seq=$((seq - 1))" ;;',
      '  esac',
      '  seq=$((seq + 1))',
      '  sleep "$interval"',
      'done',
      '',
    ].join('\n'),
  );
  chmodSync(fakePing, 0o755);
});
afterEach(() => {
  for (const prober of probers.splice(0)) prober.stop();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function prober(options: Parameters<typeof createPingProber>[0] = {}): Prober {
  const created = createPingProber({ command: [fakePing], intervalMs: 200, ...options });
  probers.push(created);
  return created;
}

function starts(address: string): { args: string; pid: number }[] {
  return readFileSync(calls, 'utf8')
    .split('\n')
    .map((line) => /^(.*) pid=(\d+)$/.exec(line))
    .filter((match) => match !== null && match[1]!.endsWith(` ${address}`))
    .map((match) => ({ args: match![1]!, pid: Number(match![2]) }));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('ping prober: argv and output lines', () => {
  test('argv: numeric, report missing replies, interval in seconds, never below 0.2 s', () => {
    expect(pingArgv('10.0.0.254', 1000)).toEqual(['ping', '-n', '-O', '-i', '1', '10.0.0.254']);
    expect(pingArgv('10.0.0.254', 1500)).toEqual(['ping', '-n', '-O', '-i', '1.5', '10.0.0.254']);
    expect(pingArgv('10.0.0.254', 200)).toEqual(['ping', '-n', '-O', '-i', '0.2', '10.0.0.254']);
    expect(pingArgv('10.0.0.254', 50, ['/x/ping'])).toEqual(['/x/ping', '-n', '-O', '-i', '0.2', '10.0.0.254']);
  });

  test('iputils lines: replies (also duplicates), missing replies, everything else', () => {
    expect(parsePingLine('64 bytes from 10.213.7.254: icmp_seq=12 ttl=64 time=0.046 ms')).toEqual({ kind: 'reply', seq: 12 });
    expect(parsePingLine('64 bytes from 10.213.7.254: icmp_seq=3 ttl=64 time=0.041 ms (DUP!)')).toEqual({ kind: 'reply', seq: 3 });
    expect(parsePingLine('no answer yet for icmp_seq=4')).toEqual({ kind: 'noAnswer', seq: 4 });
    expect(parsePingLine('From 10.213.9.1 icmp_seq=1 Destination Host Unreachable')).toEqual({ kind: 'other' });
    expect(parsePingLine('PING 10.213.9.2 (10.213.9.2) 56(84) bytes of data.')).toEqual({ kind: 'other' });
    expect(parsePingLine('ping: sendmsg: Network is unreachable')).toEqual({ kind: 'other' });
    expect(parsePingLine('')).toEqual({ kind: 'other' });
  });
});

describe('ping prober: one long-lived ping per address', () => {
  test('many probes, sequential and concurrent, share one ping process', async () => {
    writeFileSync(calls, '');
    const p = prober();
    for (let i = 0; i < 4; i++) expect(await p.probe('127.0.0.1', 200)).toBe(true);
    expect(await Promise.all([p.probe('127.0.0.1', 200), p.probe('127.0.0.1', 200), p.probe('127.0.0.1', 200)])).toEqual([true, true, true]);
    expect(starts('127.0.0.1')).toEqual([{ args: 'C -n -O -i 0.2 127.0.0.1', pid: expect.any(Number) }]);
  });

  test('no reply within an interval (plus grace) is unreachable, and the ping keeps running', async () => {
    writeFileSync(calls, '');
    const p = prober();
    const startedAt = Date.now();
    expect(await p.probe('127.0.0.5', 200)).toBe(false);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(400); // interval 200 + grace 250
    expect(await p.probe('127.0.0.5', 200)).toBe(false);
    expect(await p.probe('127.0.0.5', 200)).toBe(false);
    const [only, ...more] = starts('127.0.0.5');
    expect(more).toEqual([]);
    expect(alive(only!.pid)).toBe(true);
  });

  test('a ping that exits: unreachable, restarted with back-off (no spawn storm), reported once', async () => {
    writeFileSync(calls, '');
    const troubles: string[] = [];
    const p = prober({ restartDelayMs: { firstMs: 300, maxMs: 1200 }, onTrouble: (text) => troubles.push(text) });
    const results: boolean[] = [];
    const until = Date.now() + 2500;
    while (Date.now() < until) {
      results.push(await p.probe('127.9.9.9', 200));
      await sleep(40);
    }
    expect(results.length).toBeGreaterThan(20);
    expect(results.every((reachable) => !reachable)).toBe(true);
    // Starts at about 0, 0.3, 0.9 and 2.1 s: a handful, not one per probe.
    expect(starts('127.9.9.9').length).toBeGreaterThanOrEqual(3);
    expect(starts('127.9.9.9').length).toBeLessThanOrEqual(5);
    expect(troubles).toEqual([expect.stringMatching(/127\.9\.9\.9 exited with status 2: ping: connect: Network is unreachable; .*counts as unreachable/)]);
  });

  test('a ping that dies after answering is started again and answers again', async () => {
    writeFileSync(calls, '');
    const troubles: string[] = [];
    const p = prober({ restartDelayMs: { firstMs: 300, maxMs: 1200 }, onTrouble: (text) => troubles.push(text) });
    expect(await p.probe('127.0.0.7', 200)).toBe(true);
    const results: boolean[] = [];
    const until = Date.now() + 3000;
    // Stop at the first reply after the outage.
    while (Date.now() < until && !(results.includes(false) && results[results.length - 1] === true)) {
      results.push(await p.probe('127.0.0.7', 200));
      await sleep(50);
    }
    expect(results).toContain(false);
    expect(results[results.length - 1]).toBe(true);
    expect(starts('127.0.0.7')).toHaveLength(2);
    expect(troubles).toEqual([expect.stringMatching(/127\.0\.0\.7 exited with status 1/)]);
  });

  test('a missing ping binary: unreachable, reported once for every address', async () => {
    const troubles: string[] = [];
    const p = prober({ command: [join(dir, 'no-such-ping')], onTrouble: (text) => troubles.push(text) });
    expect(await p.probe('127.0.0.1', 200)).toBe(false);
    expect(await p.probe('127.0.0.2', 200)).toBe(false);
    expect(await p.probe('127.0.0.1', 200)).toBe(false);
    expect(troubles).toHaveLength(1);
    expect(troubles[0]).toMatch(/cannot run .*no-such-ping/);
  });

  test('stop() kills the ping by PID; later probes are unreachable and start nothing', async () => {
    writeFileSync(calls, '');
    const p = prober();
    const pending = p.probe('127.0.0.5', 200);
    expect(await p.probe('127.0.0.1', 200)).toBe(true);
    const pids = [...starts('127.0.0.1'), ...starts('127.0.0.5')].map((start) => start.pid);
    expect(pids).toHaveLength(2);
    p.stop();
    expect(await pending).toBe(false);
    await sleep(200);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(await p.probe('127.0.0.1', 200)).toBe(false);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  test('a ping nobody asks for any more is stopped', async () => {
    writeFileSync(calls, '');
    const p = prober({ idleStopMs: 400 });
    expect(await p.probe('127.0.0.1', 200)).toBe(true);
    const [started] = starts('127.0.0.1');
    await sleep(1200);
    expect(alive(started!.pid)).toBe(false);
    expect(await p.probe('127.0.0.1', 200)).toBe(true); // and it comes back when asked
    expect(starts('127.0.0.1')).toHaveLength(2);
  });

  test('the real iputils ping answers for loopback, one process for several probes', async () => {
    const p = createPingProber({ intervalMs: 200 });
    probers.push(p);
    expect(await p.probe('127.0.0.1', 200)).toBe(true);
    expect(await p.probe('127.0.0.1', 200)).toBe(true);
    expect(await p.probe('127.0.0.1', 200)).toBe(true);
  });
});
