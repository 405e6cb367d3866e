// hbctl's side of the control socket: connect, say hello (version handshake), call methods by
// id, receive notifications. Every failure is an IpcError whose code maps to hbctl's exit status
// (EXIT_CODE_FOR_IPC_ERROR): no daemon -> 69, permission -> 4, version mismatch -> 76, no answer
// in time -> 124.

import net from 'node:net';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import {
  IpcError,
  checkHelloResult,
  createNdjsonDecoder,
  encodeFrame,
  helloParams,
  makeRequest,
  parseHelloResult,
  parseServerMessage,
  type HelloResult,
  type MethodName,
  type Methods,
  type Notification,
} from '@hbd/ipc';

export const DEFAULT_RUN_DIR = '/run/hbd';

/** The socket hbctl talks to: --run-dir, else $HBD_RUN_DIR, else /run/hbd. */
export function daemonSocketPath(runDir?: string): string {
  return join(runDir ?? process.env.HBD_RUN_DIR ?? DEFAULT_RUN_DIR, 'hbd.sock');
}

export interface DaemonClientOptions {
  readonly socketPath: string;
  /** Shown in the daemon's debug log, e.g. "hbctl status". */
  readonly client: string;
  /** Connect + hello must finish within this; default 5000 ms (cl_status used 5 s). */
  readonly connectTimeoutMs?: number;
}

export interface DaemonClient {
  readonly hello: HelloResult;
  /** Calls a method; rejects with IpcError (HB_IPC_TIMEOUT after `timeoutMs`, if given). */
  call<M extends Exclude<MethodName, 'hello'>>(method: M, params: Methods[M]['params'], timeoutMs?: number): Promise<Methods[M]['result']>;
  onNotification(listener: (notification: Notification) => void): void;
  /** Called once when the daemon closes the connection (not after close()). */
  onDisconnect(listener: (error: IpcError) => void): void;
  close(): void;
}

function connectError(socketPath: string, error: NodeJS.ErrnoException): IpcError {
  switch (error.code) {
    case 'ENOENT':
      return new IpcError('HB_IPC_UNAVAILABLE', `hbd is not running on this node (no control socket ${socketPath})`, {
        hint: 'start it (systemctl start hbd) or point hbctl at its run dir with --run-dir',
      });
    case 'ECONNREFUSED':
      return new IpcError('HB_IPC_UNAVAILABLE', `hbd is not running on this node (nothing answers on ${socketPath})`, {
        hint: 'start it (systemctl start hbd); a stale socket is removed when hbd starts',
      });
    case 'EACCES':
    case 'EPERM':
      return new IpcError('HB_IPC_PERMISSION_DENIED', `permission denied on ${socketPath}`, { hint: 'run as root or as a member of group haclient' });
    default:
      return new IpcError('HB_IPC_UNAVAILABLE', `cannot connect to hbd on ${socketPath}: ${error.message}`);
  }
}

export function connectDaemon(options: DaemonClientOptions): Promise<DaemonClient> {
  const timeoutMs = options.connectTimeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const socket = net.connect(options.socketPath);
    const decoder = createNdjsonDecoder();
    const text = new StringDecoder('utf8');
    const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: IpcError) => void; timer: NodeJS.Timeout | null }>();
    const notificationListeners: ((notification: Notification) => void)[] = [];
    const disconnectListeners: ((error: IpcError) => void)[] = [];
    let nextId = 1;
    let greeted = false;
    let closedByUs = false;

    const connectTimer = setTimeout(() => {
      socket.destroy();
      reject(new IpcError('HB_IPC_TIMEOUT', `hbd did not answer on ${options.socketPath} within ${timeoutMs} ms`, { hint: 'is hbd stuck? see its log' }));
    }, timeoutMs);

    function failAll(error: IpcError): void {
      for (const entry of pending.values()) {
        if (entry.timer !== null) clearTimeout(entry.timer);
        entry.reject(error);
      }
      pending.clear();
    }

    function send(method: MethodName, params: unknown, timeoutAfterMs: number | undefined): Promise<unknown> {
      const id = nextId++;
      return new Promise((resolveCall, rejectCall) => {
        const timer =
          timeoutAfterMs === undefined
            ? null
            : setTimeout(() => {
                pending.delete(id);
                rejectCall(new IpcError('HB_IPC_TIMEOUT', `hbd did not answer ${method} within ${Math.round(timeoutAfterMs / 100) / 10} s`));
              }, timeoutAfterMs);
        pending.set(id, { resolve: resolveCall, reject: rejectCall, timer });
        socket.write(encodeFrame(makeRequest(id, method, params as never)));
      });
    }

    socket.on('connect', () => {
      send('hello', helloParams(options.client), undefined).then(
        (raw) => {
          clearTimeout(connectTimer);
          const hello = parseHelloResult(raw);
          const mismatch = hello instanceof IpcError ? hello : checkHelloResult(hello);
          if (mismatch !== null) {
            socket.destroy();
            return reject(mismatch);
          }
          greeted = true;
          resolve({
            hello: hello as HelloResult,
            call: (method, params, callTimeoutMs) => send(method, params, callTimeoutMs) as never,
            onNotification: (listener) => notificationListeners.push(listener),
            onDisconnect: (listener) => disconnectListeners.push(listener),
            close: () => {
              closedByUs = true;
              socket.destroy();
            },
          });
        },
        (error: IpcError) => {
          clearTimeout(connectTimer);
          socket.destroy();
          reject(error);
        },
      );
    });

    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(text.write(chunk))) {
        if (!frame.ok) continue; // the daemon never sends junk; ignore rather than die
        const message = parseServerMessage(frame.value);
        if (message.kind === 'notification') {
          for (const listener of notificationListeners) listener(message.notification);
          continue;
        }
        if (message.kind === 'invalid') continue;
        const id = message.id;
        const entry = typeof id === 'number' ? pending.get(id) : undefined;
        if (entry === undefined) {
          // An error without an id (e.g. "too many connections") fails everything in flight.
          if (message.kind === 'error' && id === null) failAll(message.error);
          continue;
        }
        pending.delete(id as number);
        if (entry.timer !== null) clearTimeout(entry.timer);
        if (message.kind === 'result') entry.resolve(message.result);
        else entry.reject(message.error);
      }
    });

    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!greeted) {
        clearTimeout(connectTimer);
        reject(connectError(options.socketPath, error));
      }
    });

    socket.on('close', () => {
      const error = new IpcError('HB_IPC_CONNECTION_LOST', 'hbd closed the control connection', { hint: 'hbd may have stopped; see its log' });
      failAll(error);
      if (greeted && !closedByUs) for (const listener of disconnectListeners) listener(error);
    });
  });
}
