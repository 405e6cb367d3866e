// Agents are child processes: while one takes longer than deadtime to start, the node keeps
// sending heartbeats on time and its peer never declares it dead.
import { afterAll, expect, test } from '@jest/globals';
import type { StatusDocument } from '@hbd/ipc';
import { eventually, startCluster, type Cluster } from './cluster-harness';
import { freeUdpPort } from './free-port';

let cluster: Cluster | null = null;
afterAll(async () => {
  await cluster?.cleanup();
});

async function status(name: string): Promise<StatusDocument> {
  const client = await cluster!.node(name).client();
  try {
    return await client.call('status', {}, 5000);
  } finally {
    client.close();
  }
}

test('a 2.5 s agent start with deadtime 1 s: no late heartbeat, nobody declared dead', async () => {
  cluster = await startCluster(['alpha', 'beta'], [['alpha', 'Dummy::slow1', 'Dummy::slow2']], { port: await freeUdpPort() });
  await eventually('the slow group started', async () => (await status('alpha')).groups[0]?.localState === 'started', 15_000);
  const beta = cluster.node('beta').log.lines.join('\n');
  expect(beta).not.toMatch(/late heartbeat from alpha|node alpha is dead/);
  const alpha = cluster.node('alpha').log.lines.join('\n');
  expect(alpha).toMatch(/Dummy::slow1 start: ok, exit 0 in 2\.\d+ s/);
  expect(alpha).toMatch(/Dummy::slow2 start: ok, exit 0 in 2\.\d+ s/);
  expect((await status('beta')).nodes.find((node) => node.name === 'alpha')?.status).toBe('active');
}, 30_000);
