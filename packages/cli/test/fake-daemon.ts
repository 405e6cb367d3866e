// A fake hbd for CLI tests: speaks the control protocol from @hbd/ipc on a temp socket and
// answers with whatever the test scripted. Independent of the real daemon on purpose.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTOCOL_VERSION, createNdjsonDecoder, encodeFrame, makeNotification, type Notification } from '@hbd/ipc';

export type Answer = { result: unknown } | { error: { code: number; message: string; data: Record<string, unknown> } };

export interface FakeDaemon {
  readonly runDir: string;
  readonly requests: { method: string; params: unknown }[];
  /** method -> answer (or a function of the params); `notify` pushes notifications after subscribe. */
  answers: Record<string, Answer | ((params: unknown, push: (notification: Notification) => void) => Answer | Promise<Answer>)>;
  protocolVersion: number;
  close(): Promise<void>;
}

export async function startFakeDaemon(): Promise<FakeDaemon> {
  const runDir = mkdtempSync(join(tmpdir(), 'hbd-fake-'));
  const sockets = new Set<net.Socket>();
  const fake: FakeDaemon = {
    runDir,
    requests: [],
    answers: {},
    protocolVersion: PROTOCOL_VERSION,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          rmSync(runDir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const decoder = createNdjsonDecoder();
    socket.setEncoding('utf8');
    const push = (notification: Notification): void => {
      socket.write(encodeFrame(notification));
    };
    socket.on('data', (chunk: string) => {
      for (const frame of decoder.push(chunk)) {
        if (!frame.ok) continue;
        const request = frame.value as { id: number; method: string; params: unknown };
        fake.requests.push({ method: request.method, params: request.params });
        if (request.method === 'hello') {
          socket.write(encodeFrame({ jsonrpc: '2.0', id: request.id, result: { protocolVersion: fake.protocolVersion, daemonVersion: '0.1.0', node: 'alpha', pid: 99 } }));
          continue;
        }
        const scripted = fake.answers[request.method];
        void Promise.resolve(typeof scripted === 'function' ? scripted(request.params, push) : (scripted ?? { result: null })).then((answer) => {
          socket.write(encodeFrame({ jsonrpc: '2.0', id: request.id, ...answer }));
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(join(runDir, 'hbd.sock'), resolve));
  return fake;
}

export { makeNotification };

export function captureIo(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (text: string) => out.push(text), stderr: (text: string) => err.push(text), stdoutIsTTY: false, env },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}
