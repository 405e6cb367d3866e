// hbd's UDP media for real, between two network namespaces on a bridge: ucast, bcast and mcast
// each carry the heartbeats (the link shows up under its name), and a kill -9 of the active node
// moves the group over that medium. Addresses are lab-private (10.213.x.y inside namespaces the
// lab creates and removes). Needs root; skipped loudly otherwise.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { StatusDocument } from '@hbd/ipc';
import { createNetLab, realTestGate, type LabNode, type NetLab } from '@hbd/testkit';
import { connectDaemon } from '../../cli/src/daemon-client';
import { DUMMY_AGENT, HBD_BIN } from '../src/demo/loopback-cluster';
import { buildDaemon } from './build';
import { eventually } from './cluster-harness';

const gate = realTestGate('hbd media (ucast/bcast/mcast) between network namespaces');
const subnet = `10.213.${100 + (process.pid % 100)}`;

interface Running {
  readonly name: string;
  readonly dir: string;
  readonly child: ChildProcess;
}

let lab: NetLab;
let nodes: { a: LabNode; b: LabNode };

beforeAll(async () => {
  if (!gate.enabled) return;
  buildDaemon();
  lab = await createNetLab();
  const sw = await lab.addSwitch('lan');
  nodes = { a: await lab.addNode('a', { mountNamespace: false }), b: await lab.addNode('b', { mountNamespace: false }) };
  await lab.link(nodes.a, sw, { ifname: 'eth0', addresses: [`${subnet}.1/24`] });
  await lab.link(nodes.b, sw, { ifname: 'eth0', addresses: [`${subnet}.2/24`] });
}, 120_000);

afterAll(async () => {
  if (!gate.enabled) return;
  const problems = await lab.cleanup();
  expect(problems).toEqual([]);
}, 60_000);

async function startNode(node: LabNode, name: string, medium: string, label: string): Promise<Running> {
  const dir = await lab.tempDir(`${label}-${name}`);
  const configDir = join(dir, 'ha.d');
  mkdirSync(join(configDir, 'resource.d'), { recursive: true });
  writeFileSync(
    join(configDir, 'ha.cf'),
    ['keepalive 200ms', 'warntime 1', 'deadtime 2', 'initdead 4', 'udpport 694', medium, 'auto_failback off', 'node alpha', 'node beta', `logfile ${dir}/hbd.log`, ''].join('\n'),
  );
  writeFileSync(join(configDir, 'haresources'), 'alpha Dummy::web\n');
  writeFileSync(join(configDir, 'authkeys'), 'auth 2\n2 md5 media-test\n', { mode: 0o600 });
  chmodSync(join(configDir, 'authkeys'), 0o600);
  writeFileSync(join(configDir, 'resource.d', 'Dummy'), `#!/bin/sh\nHBD_DUMMY_STATE_DIR='${dir}/resources' exec '${DUMMY_AGENT}' "$@"\n`, { mode: 0o755 });
  const child = node.spawn([process.execPath, HBD_BIN, '--foreground', '--config-dir', configDir, '--node', name, '--state-dir', join(dir, 'state'), '--run-dir', join(dir, 'run')], {
    stdio: 'ignore',
  });
  return { name, dir, child };
}

async function status(running: Running): Promise<StatusDocument> {
  const client = await connectDaemon({ socketPath: join(running.dir, 'run', 'hbd.sock'), client: 'media.real.test', connectTimeoutMs: 2000 });
  try {
    return await client.call('status', {}, 5000);
  } finally {
    client.close();
  }
}

async function stop(running: Running): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  const exited = new Promise((resolve) => running.child.once('exit', resolve));
  running.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
}

(gate.enabled ? describe : describe.skip)('hbd media between network namespaces', () => {
  test.each([
    ['ucast', (peer: string) => `ucast eth0 ${peer}`, `ucast eth0 ${subnet}.`],
    ['bcast', () => 'bcast eth0', 'bcast eth0'],
    ['mcast', () => 'mcast eth0 239.0.213.7 694 1 0', 'mcast eth0 239.0.213.7'],
  ])('%s: heartbeats flow, the link is named, kill -9 of the active node moves the group', async (label, medium, linkPrefix) => {
    // Each node's ucast line names the other; bcast/mcast lines are identical on both.
    const alpha = await startNode(nodes.a, 'alpha', medium(`${subnet}.2`), label);
    const beta = await startNode(nodes.b, 'beta', medium(`${subnet}.1`), label);
    try {
      const seen = await eventually(
        `beta hears alpha over ${label}`,
        async () => {
          const doc = await status(beta);
          const peer = doc.nodes.find((node) => node.name === 'alpha');
          return peer?.status === 'active' && doc.groups[0]?.owner === 'alpha' ? doc : null;
        },
        20_000,
      );
      expect(seen.nodes.find((node) => node.name === 'alpha')?.links).toEqual([expect.objectContaining({ status: 'up', link: expect.stringContaining(linkPrefix) })]);
      expect(seen.packets.dropped.total).toBe(0);
      alpha.child.kill('SIGKILL');
      const after = await eventually(
        'beta takes over',
        async () => {
          const doc = await status(beta);
          return doc.groups[0]?.localState === 'started' ? doc : null;
        },
        15_000,
      );
      expect(after.nodes.find((node) => node.name === 'alpha')?.status).toBe('dead');
      expect(after.lastFailover).toMatchObject({ direction: 'takeover', from: 'alpha' });
    } finally {
      alpha.child.kill('SIGKILL');
      await stop(beta);
    }
  }, 60_000);
});
