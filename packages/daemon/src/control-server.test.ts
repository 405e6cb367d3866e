import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IpcError, PROTOCOL_VERSION, createNdjsonDecoder, encodeFrame } from '@hbd/ipc';
import { memoryLog } from '../test/memory-log';
import { createControlServer, type ControlServer, type ControlSession } from './control-server';
import { AlreadyRunningError, controlSocketPath, haclientGid, secureRunDir, pidFilePath, prepareRunDir, removeRunFiles, secureSocket, writePidFile } from './control-socket-file';

let dir: string;
let server: ControlServer | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hbd-ctl-'));
});
afterEach(async () => {
  await server?.close();
  server = null;
  rmSync(dir, { recursive: true, force: true });
});

/** A raw NDJSON client: send lines, read frames. */
async function connect(path: string) {
  const socket = net.connect(path);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const decoder = createNdjsonDecoder();
  const frames: unknown[] = [];
  const waiters: (() => void)[] = [];
  let ended = false;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    for (const frame of decoder.push(chunk)) frames.push(frame.ok ? frame.value : frame);
    for (const waiter of waiters.splice(0)) waiter();
  });
  socket.on('close', () => {
    ended = true;
    for (const waiter of waiters.splice(0)) waiter();
  });
  return {
    send: (value: unknown) => socket.write(typeof value === 'string' ? value : encodeFrame(value)),
    async next(): Promise<unknown> {
      for (let i = 0; i < 100 && frames.length === 0 && !ended; i++) await new Promise<void>((resolve) => waiters.push(resolve));
      return frames.shift();
    },
    get ended() {
      return ended;
    },
    close: () => socket.destroy(),
  };
}

function start(handle?: (method: string, session: ControlSession) => Promise<unknown>) {
  const path = controlSocketPath(dir);
  server = createControlServer({
    socketPath: path,
    log: memoryLog(),
    hello: () => ({ daemonVersion: '0.1.0', node: 'alpha', pid: 4242 }),
    handle: (request, session) => (handle ?? (() => Promise.resolve({ method: request.method })))(request.method, session),
  });
  return server.listen().then(() => path);
}

const hello = { jsonrpc: '2.0', id: 0, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION, client: 'test' } };

describe('control server', () => {
  test('hello first, then requests are answered by id', async () => {
    const path = await start();
    const client = await connect(path);
    client.send({ jsonrpc: '2.0', id: 1, method: 'status' });
    expect(await client.next()).toMatchObject({ id: 1, error: { data: { hbCode: 'HB_IPC_HELLO_REQUIRED' } } });
    client.send(hello);
    expect(await client.next()).toEqual({ jsonrpc: '2.0', id: 0, result: { protocolVersion: PROTOCOL_VERSION, daemonVersion: '0.1.0', node: 'alpha', pid: 4242 } });
    client.send({ jsonrpc: '2.0', id: 2, method: 'status' });
    expect(await client.next()).toEqual({ jsonrpc: '2.0', id: 2, result: { method: 'status' } });
    client.close();
  });

  test('a version mismatch is answered with HB_IPC_VERSION_MISMATCH and the connection is closed', async () => {
    const path = await start();
    const client = await connect(path);
    client.send({ ...hello, params: { protocolVersion: 999, client: 'hbctl 9' } });
    expect(await client.next()).toMatchObject({ id: 0, error: { code: -32000, data: { hbCode: 'HB_IPC_VERSION_MISMATCH', clientProtocolVersion: 999 } } });
    expect(await client.next()).toBeUndefined();
    expect(client.ended).toBe(true);
  });

  test('bad JSON, unknown methods and handler failures are typed errors; the session goes on', async () => {
    const path = await start((method) => {
      if (method === 'nodeList') return Promise.reject(new IpcError('HB_IPC_BUSY', 'busy'));
      if (method === 'resourceList') return Promise.reject(new TypeError('oops'));
      return Promise.resolve('ok');
    });
    const client = await connect(path);
    client.send(hello);
    await client.next();
    client.send('{not json\n');
    expect(await client.next()).toMatchObject({ id: null, error: { data: { hbCode: 'HB_IPC_BAD_FRAME' } } });
    client.send({ jsonrpc: '2.0', id: 3, method: 'rm -rf' });
    expect(await client.next()).toMatchObject({ id: 3, error: { data: { hbCode: 'HB_IPC_UNKNOWN_METHOD' } } });
    client.send({ jsonrpc: '2.0', id: 4, method: 'nodeList' });
    expect(await client.next()).toMatchObject({ id: 4, error: { data: { hbCode: 'HB_IPC_BUSY' } } });
    client.send({ jsonrpc: '2.0', id: 5, method: 'resourceList' });
    expect(await client.next()).toMatchObject({ id: 5, error: { data: { hbCode: 'HB_IPC_INTERNAL' }, message: 'hbd failed to answer resourceList: oops' } });
    client.send({ jsonrpc: '2.0', id: 6, method: 'status' });
    expect(await client.next()).toMatchObject({ id: 6, result: 'ok' });
    client.close();
  });

  test('answers arrive out of order when a slow request is pending; notifications reach subscribers', async () => {
    let release: (value: unknown) => void = () => undefined;
    let subscriber: ControlSession | null = null;
    const path = await start((method, session) => {
      if (method === 'standby') return new Promise((resolve) => (release = resolve));
      if (method === 'subscribe') subscriber = session;
      return Promise.resolve(method);
    });
    const client = await connect(path);
    client.send(hello);
    await client.next();
    client.send({ jsonrpc: '2.0', id: 'slow', method: 'standby', params: { scope: 'all' } });
    client.send({ jsonrpc: '2.0', id: 'fast', method: 'subscribe', params: { events: true } });
    expect(await client.next()).toMatchObject({ id: 'fast', result: 'subscribe' });
    subscriber!.notify('event', { at: 'now', level: 'info', text: 'hello', event: { kind: 'nodeStarted' } });
    expect(await client.next()).toEqual({ jsonrpc: '2.0', method: 'event', params: { at: 'now', level: 'info', text: 'hello', event: { kind: 'nodeStarted' } } });
    release({ done: true });
    expect(await client.next()).toMatchObject({ id: 'slow', result: { done: true } });
    client.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(subscriber!.closed).toBe(true);
    expect(subscriber!.notify('event', { at: 'x', level: 'info', text: 'x', event: { kind: 'x' } })).toBe(false);
  });

  test('an oversized frame is refused and the connection closed', async () => {
    const path = await start();
    const client = await connect(path);
    client.send(`"${'x'.repeat(1024 * 1024 + 10)}`);
    expect(await client.next()).toMatchObject({ error: { data: { hbCode: 'HB_IPC_FRAME_TOO_LARGE' } } });
  });
});

describe('run dir and stale sockets', () => {
  test('haclient is looked up in the group file', () => {
    const groupFile = join(dir, 'group');
    writeFileSync(groupFile, 'root:x:0:\nhaclient:x:106:hacluster\n');
    expect(haclientGid(groupFile)).toBe(106);
    writeFileSync(groupFile, 'root:x:0:\n');
    expect(haclientGid(groupFile)).toBeNull();
    expect(haclientGid(join(dir, 'missing'))).toBeNull();
  });

  test('a live daemon is never disturbed; a dead one is reclaimed', async () => {
    const path = await start();
    writePidFile(dir);
    await expect(prepareRunDir(dir)).rejects.toThrow(AlreadyRunningError);
    await expect(prepareRunDir(dir)).rejects.toThrow(/already running \(pid \d+\)/);
    // leave a socket file nobody listens on, with a pid that is not running
    await server!.close();
    server = null;
    writeFileSync(path, '');
    writeFileSync(pidFilePath(dir), '999999999\n');
    expect(await prepareRunDir(dir)).toBe(`removed stale control socket ${path} left by pid 999999999`);
    expect(() => statSync(path)).toThrow();
  });

  test('a silent socket whose pid is still alive is left alone', async () => {
    const path = controlSocketPath(dir);
    writeFileSync(path, '');
    writeFileSync(pidFilePath(dir), `${process.ppid}\n`);
    await expect(prepareRunDir(dir)).rejects.toThrow(/is still running: not removing its socket/);
    expect(statSync(path).isFile()).toBe(true);
  });

  test('the socket is 0660, group haclient when it exists; our files are removed on exit', async () => {
    const path = await start();
    writePidFile(dir);
    const gid = process.getgid!(); // a group we may always give it to (haclient needs root)
    expect(secureSocket(path, gid)).toBeNull();
    const stat = statSync(path);
    expect(stat.mode & 0o777).toBe(0o660);
    expect(stat.gid).toBe(gid);
    expect(secureSocket(path, null)).toMatch(/group haclient does not exist/);
    expect(secureRunDir(dir, gid)).toBeNull();
    expect(statSync(dir).mode & 0o777).toBe(0o750);
    expect(statSync(dir).gid).toBe(gid);
    await server!.close();
    server = null;
    removeRunFiles(dir);
    expect(() => statSync(pidFilePath(dir))).toThrow();
  });
});
