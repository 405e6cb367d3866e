// The control socket server: NDJSON JSON-RPC over a Unix socket, `hello` first. Each
// connection is a session; requests on one session are answered in any order (by id), so a
// client may wait for a standby while asking for status on the same connection.
//
// Bounded everywhere: frame size (ipc's decoder), connections (MAX_SESSIONS), time to say hello,
// and output queued for a slow subscriber (it is disconnected rather than buffered forever).

import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import {
  IpcError,
  PROTOCOL_VERSION,
  checkHelloVersion,
  createNdjsonDecoder,
  encodeFrame,
  makeError,
  makeNotification,
  makeResult,
  parseRequest,
  type HelloResult,
  type Notifications,
  type NotificationName,
  type Request,
  type RequestId,
} from '@hbd/ipc';
import type { Log } from './logger';

const MAX_SESSIONS = 64;
const HELLO_TIMEOUT_MS = 10_000;
/** A subscriber that lets this much output pile up is too slow: disconnect it. */
const MAX_PENDING_OUTPUT_BYTES = 4 * 1024 * 1024;

export interface ControlSession {
  readonly id: number;
  /** Sends a notification; false when the session is gone (or was dropped for being slow). */
  notify<N extends NotificationName>(method: N, params: Notifications[N]): boolean;
  readonly closed: boolean;
  onClose(callback: () => void): void;
}

export type RequestHandler = (request: Exclude<Request, { method: 'hello' }>, session: ControlSession) => Promise<unknown>;

export interface ControlServerOptions {
  readonly socketPath: string;
  readonly hello: () => Omit<HelloResult, 'protocolVersion'>;
  readonly handle: RequestHandler;
  readonly log: Log;
}

export interface ControlServer {
  listen(): Promise<void>;
  /** Stops accepting, ends every session; resolves when the server is closed. */
  close(): Promise<void>;
  readonly sessionCount: number;
}

export function createControlServer(options: ControlServerOptions): ControlServer {
  const { log } = options;
  const sessions = new Set<net.Socket>();
  let nextSessionId = 1;

  function serve(socket: net.Socket): void {
    if (sessions.size >= MAX_SESSIONS) {
      socket.end(encodeFrame(makeError(null, new IpcError('HB_IPC_BUSY', `too many control connections (${MAX_SESSIONS})`))));
      return;
    }
    sessions.add(socket);
    const id = nextSessionId++;
    const decoder = createNdjsonDecoder();
    const text = new StringDecoder('utf8');
    const closeCallbacks: (() => void)[] = [];
    let greeted = false;
    let closed = false;

    const helloTimer = setTimeout(() => {
      if (!greeted) socket.destroy();
    }, HELLO_TIMEOUT_MS);

    function write(value: unknown): boolean {
      if (closed || socket.destroyed) return false;
      if (socket.writableLength > MAX_PENDING_OUTPUT_BYTES) {
        log.log('warning', `control session ${id} does not read its output (${socket.writableLength} bytes pending): disconnected`);
        socket.destroy();
        return false;
      }
      socket.write(encodeFrame(value));
      return true;
    }

    const session: ControlSession = {
      id,
      notify: (method, params) => write(makeNotification(method, params)),
      get closed() {
        return closed;
      },
      onClose: (callback) => {
        if (closed) callback();
        else closeCallbacks.push(callback);
      },
    };

    function fail(requestId: RequestId | null, error: IpcError): void {
      write(makeError(requestId, error));
    }

    function onRequest(value: unknown): void {
      const parsed = parseRequest(value);
      if (!parsed.ok) return fail(parsed.id, parsed.error);
      const request = parsed.request;
      if (request.method === 'hello') {
        const mismatch = checkHelloVersion(request.params);
        if (mismatch !== null) {
          log.log('warning', `control client "${request.params.client}" speaks protocol ${request.params.protocolVersion}, hbd speaks ${PROTOCOL_VERSION}: refused`);
          fail(request.id, mismatch);
          socket.end();
          return;
        }
        greeted = true;
        clearTimeout(helloTimer);
        log.debug(2, `control session ${id}: hello from ${request.params.client}`);
        write(makeResult(request.id, 'hello', { protocolVersion: PROTOCOL_VERSION, ...options.hello() }));
        return;
      }
      if (!greeted) return fail(request.id, new IpcError('HB_IPC_HELLO_REQUIRED', 'say hello (with the protocol version) before anything else'));
      options.handle(request, session).then(
        (result) => write({ jsonrpc: '2.0', id: request.id, result }),
        (error: unknown) => {
          if (error instanceof IpcError) return fail(request.id, error);
          log.log('error', `control request ${request.method} failed inside hbd (a bug): ${(error as Error)?.stack ?? String(error)}`);
          fail(request.id, new IpcError('HB_IPC_INTERNAL', `hbd failed to answer ${request.method}: ${(error as Error)?.message ?? String(error)}`));
        },
      );
    }

    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(text.write(chunk))) {
        if (frame.ok) onRequest(frame.value);
        else if (frame.reason === 'tooLarge') {
          fail(null, new IpcError('HB_IPC_FRAME_TOO_LARGE', frame.detail));
          socket.end();
        } else fail(null, new IpcError('HB_IPC_BAD_FRAME', `not JSON: ${frame.detail}`));
      }
    });
    socket.on('error', (error) => log.debug(2, `control session ${id}: ${error.message}`));
    socket.on('close', () => {
      closed = true;
      clearTimeout(helloTimer);
      sessions.delete(socket);
      for (const callback of closeCallbacks.splice(0)) callback();
    });
  }

  const server = net.createServer(serve);

  return {
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.socketPath, () => {
          server.off('error', reject);
          server.on('error', (error) => log.log('error', `control socket ${options.socketPath}: ${error.message}`));
          resolve();
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        for (const socket of sessions) socket.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      });
    },
    get sessionCount() {
      return sessions.size;
    },
  };
}
