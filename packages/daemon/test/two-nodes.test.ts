// Two real hbd nodes in this process, talking authenticated UDP over loopback (127.0.0.2 and
// 127.0.0.3), driven and observed through the control socket exactly as hbctl does.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatusDocument } from '@hbd/ipc';
import { eventually, startCluster, type Cluster, statusOf } from './cluster-harness';
import { freeUdpPort } from './free-port';

const GROUP = 'Dummy::web';
let cluster: Cluster;

const status = (name: string): Promise<StatusDocument> => statusOf(cluster, name);

async function ownerSeenBy(name: string): Promise<string | null> {
  const doc = await status(name);
  return doc.groups.find((group) => group.id === GROUP)?.owner ?? null;
}

beforeAll(async () => {
  cluster = await startCluster(['alpha', 'beta'], [['alpha', GROUP, 'Dummy::app']], { port: await freeUdpPort() });
});
afterAll(async () => {
  await cluster?.cleanup();
});

describe('two hbd nodes on loopback', () => {
  test('they hear each other and the group starts on its preferred node, left to right', async () => {
    await eventually('alpha started the group', async () => (await status('alpha')).groups[0]?.localState === 'started');
    const alpha = await status('alpha');
    const beta = await eventually('beta sees alpha as owner', async () => ((await ownerSeenBy('beta')) === 'alpha' ? status('beta') : null));
    expect(alpha.nodes.find((node) => node.name === 'beta')).toMatchObject({ status: 'active', links: [{ link: 'ucast lo 127.0.0.3', status: 'up' }] });
    expect(beta.nodes.find((node) => node.name === 'alpha')).toMatchObject({ status: 'active', links: [{ link: 'ucast lo 127.0.0.2', status: 'up' }] });
    expect(alpha.groups[0]).toMatchObject({ owner: 'alpha', members: [{ token: GROUP, state: 'started' }, { token: 'Dummy::app', state: 'started' }] });
    expect(cluster.node('alpha').isRunning('web') && cluster.node('alpha').isRunning('app')).toBe(true);
    expect(cluster.node('beta').isRunning('web') || cluster.node('beta').isRunning('app')).toBe(false);
    expect(alpha.packets.dropped.total).toBe(0);
    expect(alpha.generation).toBe(1);
    expect(readFileSync(join(cluster.node('alpha').stateDir, 'generation'), 'utf8')).toBe('1\n');
    const order = cluster.node('alpha').log.lines.filter((line) => /Dummy::(web|app) start: ok/.test(line));
    expect(order.map((line) => line.replace(/^.*(Dummy::\w+) start.*$/, '$1'))).toEqual(['Dummy::web', 'Dummy::app']);
  });

  test('standby on alpha moves the group to beta and says what moved and how long it took', async () => {
    const client = await cluster.node('alpha').client();
    const result = await client.call('standby', { scope: 'all', wait: true }, 20_000);
    client.close();
    expect(result).toMatchObject({ completed: true, ok: true, moved: [{ group: GROUP, from: 'alpha', to: 'beta' }] });
    expect(result.tookMs).toBeGreaterThan(0);
    await eventually('beta holds the group', async () => (await status('beta')).groups[0]?.localState === 'started');
    expect(cluster.node('beta').isRunning('web')).toBe(true);
    expect(cluster.node('alpha').isRunning('web')).toBe(false);
    expect((await status('beta')).lastFailover).toMatchObject({ group: GROUP, direction: 'takeover', from: 'alpha', outcome: 'done' });
  });

  test('takeover on alpha brings it back; --no-wait answers at once', async () => {
    const client = await cluster.node('alpha').client();
    const accepted = await client.call('takeover', { scope: 'all', wait: false }, 5000);
    client.close();
    expect(accepted).toMatchObject({ completed: false, ok: true, tookMs: null });
    await eventually('alpha holds the group again', async () => (await status('alpha')).groups[0]?.localState === 'started', 20_000);
    expect(cluster.node('alpha').isRunning('web')).toBe(true);
    await eventually('beta stopped it', () => !cluster.node('beta').isRunning('web'));
  });

  test('a subscriber receives the events as they are logged', async () => {
    const client = await cluster.node('beta').client();
    const texts: string[] = [];
    client.onNotification((notification) => {
      if (notification.method === 'event') texts.push(notification.params.text);
    });
    await client.call('subscribe', { events: true, status: false }, 5000);
    const other = await cluster.node('alpha').client();
    await other.call('standby', { scope: 'all', wait: true }, 20_000);
    await other.call('takeover', { scope: 'all', wait: true }, 20_000);
    other.close();
    await eventually('release event on beta', () => texts.some((text) => text.startsWith('releasing group Dummy::web')));
    client.close();
    expect(texts.some((text) => text.startsWith('taking over group Dummy::web'))).toBe(true);
  });

  test('a status subscriber gets a fresh status at least once a second, also when nothing happens', async () => {
    const client = await cluster.node('beta').client();
    const uptimes: number[] = [];
    client.onNotification((notification) => {
      if (notification.method === 'status') uptimes.push((notification.params as StatusDocument).daemon.uptimeMs);
    });
    await client.call('subscribe', { events: false, status: true }, 5000);
    await eventually('three status pushes', () => uptimes.length >= 3, 5000);
    client.close();
    expect(uptimes[2]!).toBeGreaterThan(uptimes[0]!);
  });

  test('SIGTERM-style shutdown of alpha: beta takes over at once (leaving), not after deadtime', async () => {
    const alpha = cluster.node('alpha');
    const started = Date.now();
    const code = await alpha.daemon.shutdown('test: SIGTERM');
    expect(code).toBe(0);
    expect(alpha.isRunning('web') || alpha.isRunning('app')).toBe(false);
    await eventually('beta took over', async () => (await status('beta')).groups[0]?.localState === 'started');
    const tookMs = Date.now() - started;
    expect(tookMs).toBeLessThan(1000); // deadtime is 1000 ms
    expect(alpha.log.find(/shutdown complete/)).toBeDefined();
    expect(cluster.node('beta').log.lines.join('\n')).toMatch(/taking over group Dummy::web .*alpha (released it \(shutdown\)|leaving)/);
    // the control socket is gone with the daemon
    await expect(alpha.client()).rejects.toMatchObject({ code: 'HB_IPC_UNAVAILABLE' });
  });

  test('alpha restarts with the next generation and, auto_failback on, gets its group back', async () => {
    const alpha = cluster.node('alpha');
    await alpha.restart();
    expect(readFileSync(join(alpha.stateDir, 'generation'), 'utf8')).toBe('2\n');
    await eventually('beta saw the restart', () => cluster.node('beta').log.find(/alpha restarted: generation 1 -> 2|heard from alpha/));
    await eventually('failback to alpha', async () => (await status('alpha')).groups[0]?.localState === 'started', 20_000);
    await eventually('beta released it', () => !cluster.node('beta').isRunning('web'));
  });
});
