// Real UDP on loopback: two nodes (127.0.0.2 and 127.0.0.3) exchange authenticated packets
// through the real codec; junk, forged, foreign and replayed packets are dropped and counted.
import { afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import dgram from 'node:dgram';
import type { ClusterMessage } from '@hbd/core';
import { createCodec } from '@hbd/wire';
import { freeUdpPort } from '../test/free-port';
import { memoryLog, type MemoryLog } from '../test/memory-log';
import { testConfig } from '../test/test-config';
import { createMessenger, type DaemonMessenger } from './messenger';
import { planMedia } from './media';
import { nodeHmac } from './node-hmac';
import { createUdpTransport, type UdpTransport } from './udp-transport';

let port = 0;
let config = testConfig();
beforeAll(async () => {
  port = await freeUdpPort();
  config = testConfig({
    udpPort: port,
    media: [
      { kind: 'ucast', iface: 'lo', peer: '127.0.0.2', port },
      { kind: 'ucast', iface: 'lo', peer: '127.0.0.3', port },
    ],
  });
});
const interfaces = { lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4' }] };

interface Node {
  messenger: DaemonMessenger;
  transport: UdpTransport;
  received: { from: string; link: string; generation: number; message: ClusterMessage }[];
  log: MemoryLog;
}

const nodes: Node[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.transport.close();
});

async function node(name: string, address: string, overrides: Partial<typeof config> = {}, isStale?: () => boolean): Promise<Node> {
  const nodeConfig = { ...config, ...overrides };
  const plan = planMedia(nodeConfig.media, interfaces, { bindAddress: address });
  const log = memoryLog(1);
  const received: Node['received'] = [];
  // eslint-disable-next-line prefer-const
  let messenger: DaemonMessenger;
  const transport = createUdpTransport({
    media: plan.media,
    nowMs: () => performance.now(),
    onDatagram: (datagram) => messenger.receive(datagram),
    onSendError: (medium, destination, error) => messenger.reportSendError(medium, destination, error),
    onSocketError: () => undefined,
  });
  messenger = createMessenger({
    localNode: name,
    configDigest: nodeConfig.digest,
    codec: createCodec({ config: nodeConfig, hmac: nodeHmac }),
    transport,
    generation: () => 7,
    nowMs: () => performance.now(),
    log,
    onPacket: (packet) => received.push(packet),
    ...(isStale === undefined ? {} : { isStale }),
  });
  expect(await transport.start()).toEqual({ failed: [] });
  const result = { messenger, transport, received, log };
  nodes.push(result);
  return result;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const heartbeat: ClusterMessage = { type: 'heartbeat', status: 'active', pingReachable: 0, claims: [{ group: 'Dummy::web', state: 'started', epoch: 3 }] };

async function rawSend(bytes: Uint8Array, from = '127.0.0.9'): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, from, resolve));
  await new Promise<void>((resolve, reject) => socket.send(bytes, port, '127.0.0.3', (error) => (error ? reject(error) : resolve())));
  socket.close();
}

describe('messenger over loopback UDP', () => {
  test('a heartbeat to all arrives authenticated, with its sender, generation and link', async () => {
    const alpha = await node('alpha', '127.0.0.2');
    const beta = await node('beta', '127.0.0.3');
    alpha.messenger.send('all', heartbeat);
    await until(() => beta.received.length === 1, 'the heartbeat');
    expect(beta.received[0]).toEqual({ from: 'alpha', link: 'ucast lo 127.0.0.2', generation: 7, message: heartbeat });
    expect(alpha.received).toEqual([]); // the line naming itself was skipped: no packet to itself
    expect(alpha.messenger.stats()).toMatchObject({ sent: 1, sendErrors: 0 });
    expect(beta.messenger.stats()).toMatchObject({ received: 1, dropped: { total: 0 } });
  });

  test('a message to one node needs a learned route: nothing is sent to a node never heard', async () => {
    const alpha = await node('alpha', '127.0.0.2');
    const beta = await node('beta', '127.0.0.3');
    const ack: ClusterMessage = { type: 'ack', msgId: 12 };
    alpha.messenger.send('beta', ack);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(beta.received).toEqual([]);
    expect(alpha.log.find(/no address is known/)).toBeDefined();
    beta.messenger.send('all', heartbeat);
    await until(() => alpha.received.length === 1, 'beta heard');
    alpha.messenger.send('beta', ack);
    await until(() => beta.received.length === 1, 'the ack');
    expect(beta.received[0]?.message).toEqual(ack);
  });

  test('junk, forged, foreign, replayed and impersonating packets are dropped, counted, logged once per reason', async () => {
    const beta = await node('beta', '127.0.0.3');
    const alphaCodec = createCodec({ config, hmac: nodeHmac });
    const good = alphaCodec.encode({ from: 'alpha', generation: 7, seq: 1, message: heartbeat });
    if (!good.ok) throw new Error(good.error.message);
    const wrongKey = createCodec({ config: { ...config, auth: { activeIndex: 1, keys: [{ index: 1, method: 'sha1', key: 'guessed' }] } }, hmac: nodeHmac }).encode({ from: 'alpha', generation: 7, seq: 2, message: heartbeat });
    const foreign = createCodec({ config: { ...config, clusterName: 'other-cluster' }, hmac: nodeHmac }).encode({ from: 'alpha', generation: 7, seq: 3, message: heartbeat });
    const impersonation = alphaCodec.encode({ from: 'beta', generation: 7, seq: 4, message: heartbeat });
    if (!wrongKey.ok || !foreign.ok || !impersonation.ok) throw new Error('encode failed');

    await rawSend(Buffer.from('GET / HTTP/1.0\r\n\r\n'));
    await rawSend(new Uint8Array(0));
    await rawSend(wrongKey.value);
    await rawSend(wrongKey.value);
    await rawSend(foreign.value);
    await rawSend(good.value, '127.0.0.2');
    await rawSend(good.value, '127.0.0.2'); // the same packet again: a replay
    await rawSend(impersonation.value, '127.0.0.2');
    await until(() => beta.messenger.stats().received === 8, 'all eight datagrams');

    expect(beta.received).toHaveLength(1);
    const stats = beta.messenger.stats();
    expect(stats.dropped.total).toBe(7);
    expect(stats.dropped.byReason).toEqual({
      HB_WIRE_BAD_MAGIC: 1,
      HB_WIRE_TRUNCATED: 1,
      HB_WIRE_BAD_SIGNATURE: 2,
      HB_WIRE_FOREIGN_CLUSTER: 1,
      HB_WIRE_REPLAY: 1,
      HB_NET_OWN_NAME: 1,
    });
    const warnings = beta.log.lines.filter((line) => line.startsWith('warning: dropped packet'));
    expect(warnings).toHaveLength(6); // the second bad signature is counted, not logged
    expect(beta.log.find(/HB_WIRE_BAD_SIGNATURE/)).toMatch(/from 127\.0\.0\.9:\d+/);
    for (const line of beta.log.lines) expect(line).not.toContain('test secret');
  });

  test('packets read right after a stall of this process are stale: counted and dropped, not handed over', async () => {
    let stale = true;
    const alpha = await node('alpha', '127.0.0.2');
    const beta = await node('beta', '127.0.0.3', {}, () => stale);
    alpha.messenger.send('all', heartbeat);
    alpha.messenger.send('all', heartbeat);
    await until(() => beta.messenger.stats().received === 2, 'both heartbeats');
    expect(beta.received).toHaveLength(0);
    expect(beta.messenger.stats().dropped.byReason).toEqual({ HB_NET_STALE: 2 });
    expect(beta.log.lines.filter((line) => line.includes('HB_NET_STALE'))).toHaveLength(1); // rate-limited
    stale = false;
    alpha.messenger.send('all', heartbeat);
    await until(() => beta.received.length === 1, 'the fresh heartbeat');
  });

  test('a peer with a different configuration digest is still heard, with a warning', async () => {
    const alpha = await node('alpha', '127.0.0.2', { digest: 'other-digest' });
    const beta = await node('beta', '127.0.0.3');
    alpha.messenger.send('all', heartbeat);
    alpha.messenger.send('all', heartbeat);
    await until(() => beta.received.length === 2, 'both heartbeats');
    const warnings = beta.log.lines.filter((line) => line.includes('runs a different cluster configuration'));
    expect(warnings).toHaveLength(1);
  });

  test('nothing is sent before a generation is persisted', async () => {
    const alpha = await node('alpha', '127.0.0.2');
    const silent = createMessenger({
      localNode: 'alpha',
      configDigest: config.digest,
      codec: createCodec({ config, hmac: nodeHmac }),
      transport: alpha.transport,
      generation: () => 0,
      nowMs: () => 0,
      log: alpha.log,
      onPacket: () => undefined,
    });
    silent.send('all', heartbeat);
    expect(silent.stats().sent).toBe(0);
  });
});
