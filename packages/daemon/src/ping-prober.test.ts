import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPingProber, pingArgv } from './ping-prober';

let dir: string;
let fakePing: string;
let calls: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hbd-ping-'));
  calls = join(dir, 'calls');
  fakePing = join(dir, 'fake-ping');
  // Stand-in for iputils ping: logs its argv and LC_ALL, sleeps 0.3 s, answers for 127.0.0.1 only.
  writeFileSync(
    fakePing,
    `#!/bin/sh\necho "$LC_ALL $*" >> '${calls}'\nsleep 0.3\nfor a; do last=$a; done\n[ "$last" = 127.0.0.1 ] && exit 0\n[ "$last" = 127.9.9.9 ] && exit 2\nexit 1\n`,
  );
  chmodSync(fakePing, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ping prober', () => {
  test('argv: numeric, one echo, whole-second wait of at least 1', () => {
    expect(pingArgv('10.0.0.254', 1500)).toEqual(['ping', '-n', '-c', '1', '-W', '2', '10.0.0.254']);
    expect(pingArgv('10.0.0.254', 200)).toEqual(['ping', '-n', '-c', '1', '-W', '1', '10.0.0.254']);
  });

  test('exit status decides; concurrent probes of one address share one process', async () => {
    writeFileSync(calls, '');
    const troubles: string[] = [];
    const prober = createPingProber({ command: [fakePing], onTrouble: (text) => troubles.push(text) });
    const results = await Promise.all([
      prober.probe('127.0.0.1', 1000),
      prober.probe('127.0.0.1', 1000),
      prober.probe('127.0.0.1', 1000),
      prober.probe('127.0.0.5', 1000),
      prober.probe('127.9.9.9', 1000),
    ]);
    expect(results).toEqual([true, true, true, false, false]);
    const lines = readFileSync(calls, 'utf8').trim().split('\n').sort();
    expect(lines).toEqual(['C -n -c 1 -W 1 127.0.0.1', 'C -n -c 1 -W 1 127.0.0.5', 'C -n -c 1 -W 1 127.9.9.9']);
    expect(troubles).toEqual([expect.stringMatching(/exited 2 .*counted as unreachable/)]);
    // after the first finished, a new probe spawns again
    expect(await prober.probe('127.0.0.1', 1000)).toBe(true);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toHaveLength(4);
  });

  test('a missing ping binary: unreachable, reported once', async () => {
    const troubles: string[] = [];
    const prober = createPingProber({ command: [join(dir, 'no-such-ping')], onTrouble: (text) => troubles.push(text) });
    expect(await prober.probe('127.0.0.1', 1000)).toBe(false);
    expect(await prober.probe('127.0.0.1', 1000)).toBe(false);
    expect(troubles).toHaveLength(1);
    expect(troubles[0]).toMatch(/cannot run .*no-such-ping/);
  });

  test('the real iputils ping answers for loopback', async () => {
    const prober = createPingProber();
    expect(await prober.probe('127.0.0.1', 1000)).toBe(true);
  });
});
