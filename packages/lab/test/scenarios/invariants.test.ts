// The scenario suite's invariant checkers must be able to fail: a counter that goes backwards or
// repeats, a disk mounted on two nodes, are reported; healthy runs are not. Plus the counter
// service's shell agent is shellcheck-clean and its server refuses to write outside a mount.
import { describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { counterRegressions, longestOutageMs, parseCounterLine, type CounterSample } from './counter-log';
import { counterAgentScript, counterServerScript } from './counter-service';
import { MountTimeline, mountsOfDevices } from './mount-watch';

const served = (seq: number, atMs: number, node: string, value: number): CounterSample => ({ seq, sentAtMs: atMs, doneAtMs: atMs + 5, node, value, error: null });
const failed = (seq: number, atMs: number, error: string): CounterSample => ({ seq, sentAtMs: atMs, doneAtMs: atMs + 5, node: null, value: null, error });

describe('counter client lines', () => {
  test('served and failed requests parse; anything else is ignored', () => {
    expect(parseCounterLine('C 7 1000000000 1002500000 ok nodeb 42')).toEqual({ seq: 7, sentAtMs: 1000, doneAtMs: 1002.5, node: 'nodeb', value: 42, error: null });
    expect(parseCounterLine('C 8 1000000000 2000000000 err ECONNREFUSED')).toEqual({ seq: 8, sentAtMs: 1000, doneAtMs: 2000, node: null, value: null, error: 'ECONNREFUSED' });
    for (const bad of ['', 'P 1 2 3 -', 'C x 1 2 ok a 1', 'C 1 2 3 ok nodea', 'C 1 2 3 ok nodea -4', 'C 1 2 3 maybe']) expect(parseCounterLine(bad)).toBeNull();
  });
});

describe('the data invariant: strictly increasing', () => {
  test('a failover that continues the count is clean; errors in between do not matter', () => {
    const samples = [served(1, 0, 'nodea', 1), served(2, 100, 'nodea', 2), failed(3, 200, 'timeout'), failed(4, 1200, 'ECONNREFUSED'), served(5, 1300, 'nodeb', 4)];
    expect(counterRegressions(samples)).toEqual([]);
  });

  test('a lost write (the new node reads an older value) and a second copy (a repeated value) are caught', () => {
    const lost = [served(1, 0, 'nodea', 10), served(2, 100, 'nodea', 11), served(3, 2000, 'nodeb', 9)];
    expect(counterRegressions(lost).map((r) => [r.previous.value, r.sample.value, r.sample.node])).toEqual([[11, 9, 'nodeb']]);
    const twice = [served(1, 0, 'nodea', 5), served(2, 100, 'nodeb', 5), served(3, 200, 'nodea', 6)];
    expect(counterRegressions(twice)).toHaveLength(1);
  });

  test('order is the request order (seq), not the order samples were stored', () => {
    expect(counterRegressions([served(2, 100, 'nodea', 2), served(1, 0, 'nodea', 1)])).toEqual([]);
  });

  test('longest outage between two instants', () => {
    const samples = [served(1, 0, 'nodea', 1), failed(2, 100, 'timeout'), served(3, 3000, 'nodeb', 2), served(4, 3100, 'nodeb', 3)];
    expect(longestOutageMs(samples, 0, 3200)).toBe(3000);
    expect(longestOutageMs([], 0, 500)).toBe(500);
  });
});

describe('the storage invariant: never mounted on two nodes', () => {
  test('segments merge equal samples; overlaps are reported with their duration', () => {
    const timeline = new MountTimeline();
    timeline.add(0, ['nodea']);
    timeline.add(25, ['nodea']);
    timeline.add(50, []);
    timeline.add(75, ['nodeb']);
    expect(timeline.doubleMounts()).toEqual([]);
    timeline.add(100, ['nodeb', 'nodea']);
    timeline.add(125, ['nodea', 'nodeb']);
    timeline.add(150, ['nodeb']);
    expect(timeline.doubleMounts()).toEqual([{ holders: ['nodea', 'nodeb'], fromMs: 100, lastMs: 125, samples: 2 }]);
    expect(timeline.doubleMounts(130)).toEqual([]);
    expect(timeline.current()).toEqual(['nodeb']);
    expect(timeline.firstHeldBy('nodeb', 60)?.fromMs).toBe(75);
    expect(timeline.samples).toBe(7);
  });

  test('mountinfo lines of the watched devices only', () => {
    const mountinfo = [
      '22 1 259:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw',
      '310 290 7:3 / /var/lib/heartbeat/hbdlab-shared rw,relatime - ext4 /dev/loop3 rw',
      '311 290 7:30 / /mnt/other rw,relatime - ext4 /dev/loop30 rw',
    ].join('\n');
    expect(mountsOfDevices(mountinfo, new Set(['7:3', '7:4']))).toEqual(['/var/lib/heartbeat/hbdlab-shared']);
    expect(mountsOfDevices(mountinfo, new Set(['7:4']))).toEqual([]);
  });
});

describe('the counter service', () => {
  test('the agent is POSIX sh, shellcheck-clean', () => {
    const result = spawnSync('shellcheck', ['-s', 'sh', '-'], { input: counterAgentScript('/usr/bin/node'), encoding: 'utf8' });
    if (result.error !== undefined) throw new Error(`shellcheck is needed: ${result.error.message}`);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  test('the server answers 503 instead of writing into a directory that is not a mount point', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbd-labcounter-'));
    const script = join(dir, 'server.js');
    const data = join(dir, 'data');
    const ready = join(dir, 'ready');
    writeFileSync(script, counterServerScript());
    mkdirSync(data);
    const port = await freePort();
    const child = spawn(process.execPath, [script, String(port), data, ready], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 200 && !existsSync(ready); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(readFileSync(ready, 'utf8').trim()).toBe(String(child.pid));
      expect(await get(port, '/health')).toEqual({ status: 200, body: 'ok\n' });
      expect(await get(port, '/')).toEqual({ status: 503, body: 'not mounted\n' });
      expect(existsSync(join(data, 'counter'))).toBe(false);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

function get(port: number, path: string): Promise<{ status: number | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
