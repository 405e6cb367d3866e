// The loopback demo end to end (real hbd processes): start, kill -9 of alpha's hbd (its guardian
// stops the service), takeover by beta, return of alpha, failback, clean stop, nothing left behind.
import { beforeAll, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { runLoopbackDemo } from '../src/demo/loopback-demo';
import { buildDaemon } from './build';
import { freeUdpAndTcpPorts } from './free-port';

beforeAll(() => buildDaemon(), 120_000);

test('runLoopbackDemo tells the story with measured times and cleans up', async () => {
  const lines: string[] = [];
  const ports = await freeUdpAndTcpPorts();
  const code = await runLoopbackDemo({
    out: (line) => lines.push(line),
    udpPort: ports.udp,
    httpPort: ports.tcp,
    statusCommand: [process.execPath, '-e', 'console.log("status asked with", process.argv.slice(-2).join(" "))', '--'],
  });
  const text = lines.join('\n');
  expect(code).toBe(0);
  expect(text).toMatch(/-> served by alpha {3}\(\d+\.\d\d s after start\)/);
  expect(text).toMatch(/-> nothing {3}\((\d+\.\d\d) s after the kill: alpha's guardian stopped the group/);
  const releasedS = Number(/-> nothing {3}\((\d+\.\d\d) s after the kill/.exec(text)![1]);
  expect(releasedS).toBeLessThan(1.5); // well before deadtime
  expect(text).toMatch(/-> served by beta {3}\((\d+\.\d\d) s after the kill; deadtime is 2 s\)/);
  const takeoverS = Number(/served by beta {3}\((\d+\.\d\d) s after the kill/.exec(text)![1]);
  expect(takeoverS).toBeGreaterThan(1);
  expect(takeoverS).toBeLessThan(5);
  expect(text).toMatch(/-> served by alpha {3}\(\d+\.\d\d s after alpha's hbd started\)/);
  expect(text.match(/status asked with --run-dir \S+\/(alpha|beta)\/run/g)).toHaveLength(3);
  const root = /Files \(.*\) are in (\S+)/.exec(text)![1]!;
  expect(existsSync(root)).toBe(false);
  expect(text).toMatch(/Done\. Everything the demo created has been removed\./);
}, 90_000);
