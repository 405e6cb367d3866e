// Building and checking protocol messages. Everything that arrives is `unknown` until one of the
// parse functions here has checked it; they never throw, they return a typed IpcError instead.

import { IpcError, JSON_RPC_ERROR_NUMBERS, isIpcErrorCode } from './errors';
import {
  ADMIN_SCOPES,
  METHOD_NAMES,
  PROTOCOL_VERSION,
  type AdminScope,
  type ErrorObject,
  type HelloParams,
  type HelloResult,
  type MethodName,
  type Methods,
  type Notification,
  type NotificationName,
  type Notifications,
  type Request,
  type RequestId,
  type Response,
} from './protocol';

type Obj = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRequestId(value: unknown): value is RequestId {
  return (typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && value.length <= 200);
}

export function makeRequest<M extends MethodName>(id: RequestId, method: M, params: Methods[M]['params']): Request {
  return { jsonrpc: '2.0', id, method, params } as Request;
}

export function makeResult<M extends MethodName>(id: RequestId, _method: M, result: Methods[M]['result']): Response {
  return { jsonrpc: '2.0', id, result };
}

export function makeError(id: RequestId | null, error: IpcError): Response {
  const data: ErrorObject['data'] = { hbCode: error.code, ...error.details, ...(error.hint === undefined ? {} : { hint: error.hint }) };
  return { jsonrpc: '2.0', id, error: { code: JSON_RPC_ERROR_NUMBERS[error.code], message: error.message, data } };
}

export function makeNotification<N extends NotificationName>(method: N, params: Notifications[N]): Notification {
  return { jsonrpc: '2.0', method, params } as Notification;
}

export function helloParams(client: string): HelloParams {
  return { protocolVersion: PROTOCOL_VERSION, client };
}

/** The daemon's side of the handshake: null when the client speaks our version. */
export function checkHelloVersion(params: HelloParams, daemonVersion: number = PROTOCOL_VERSION): IpcError | null {
  if (params.protocolVersion === daemonVersion) return null;
  return versionMismatch(params.protocolVersion, daemonVersion);
}

function versionMismatch(clientVersion: number, daemonVersion: number): IpcError {
  const newer = clientVersion > daemonVersion ? 'hbctl' : 'hbd';
  return new IpcError('HB_IPC_VERSION_MISMATCH', `hbctl speaks control protocol ${clientVersion}, hbd speaks ${daemonVersion}`, {
    hint: `the ${newer} binary is newer than the other one: install the same hbd version for both (and restart hbd)`,
    details: { clientProtocolVersion: clientVersion, daemonProtocolVersion: daemonVersion },
  });
}

/** The client's side: the daemon answered hello; is it our version? */
export function checkHelloResult(result: HelloResult, clientVersion: number = PROTOCOL_VERSION): IpcError | null {
  return result.protocolVersion === clientVersion ? null : versionMismatch(clientVersion, result.protocolVersion);
}

function badRequest(message: string): IpcError {
  return new IpcError('HB_IPC_BAD_REQUEST', message);
}

function emptyParams(params: unknown): Record<string, never> | IpcError {
  if (params === undefined) return {};
  if (isObject(params)) return {};
  return badRequest('params must be an object');
}

function scopeParam(params: Obj): AdminScope | IpcError {
  const scope = params.scope ?? 'all';
  return typeof scope === 'string' && (ADMIN_SCOPES as readonly string[]).includes(scope)
    ? (scope as AdminScope)
    : badRequest(`scope must be one of ${ADMIN_SCOPES.join(', ')}, not ${JSON.stringify(scope)}`);
}

function waitParam(params: Obj): boolean | IpcError {
  const wait = params.wait ?? true;
  return typeof wait === 'boolean' ? wait : badRequest('wait must be true or false');
}

function parseParams(method: MethodName, raw: unknown): Methods[MethodName]['params'] | IpcError {
  if (method === 'status' || method === 'nodeList' || method === 'resourceList' || method === 'fenceCheck') return emptyParams(raw);
  const params = raw ?? {};
  if (!isObject(params)) return badRequest('params must be an object');
  switch (method) {
    case 'hello': {
      const { protocolVersion, client } = params;
      if (typeof protocolVersion !== 'number' || !Number.isSafeInteger(protocolVersion)) return badRequest('hello needs an integer protocolVersion');
      return { protocolVersion, client: typeof client === 'string' ? client.slice(0, 200) : 'unknown' };
    }
    case 'standby':
    case 'takeover': {
      const scope = scopeParam(params);
      const wait = waitParam(params);
      if (scope instanceof IpcError) return scope;
      if (wait instanceof IpcError) return wait;
      return { scope, wait };
    }
    case 'cleanup': {
      const wait = waitParam(params);
      if (wait instanceof IpcError) return wait;
      if (typeof params.group !== 'string' || params.group === '') return badRequest('cleanup needs a group (the first resource of its haresources line)');
      return { group: params.group, wait };
    }
    case 'fenceConfirm': {
      if (typeof params.node !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(params.node)) return badRequest('fence confirm needs a node name');
      return { node: params.node.toLowerCase() };
    }
    case 'subscribe': {
      const events = params.events ?? true;
      const status = params.status ?? false;
      if (typeof events !== 'boolean' || typeof status !== 'boolean') return badRequest('subscribe: events and status must be booleans');
      return { events, status };
    }
  }
}

export type ParsedRequest = { readonly ok: true; readonly request: Request } | { readonly ok: false; readonly id: RequestId | null; readonly error: IpcError };

/** The daemon's view of one incoming frame. */
export function parseRequest(value: unknown): ParsedRequest {
  if (!isObject(value)) return { ok: false, id: null, error: badRequest('a request must be a JSON object') };
  const id = isRequestId(value.id) ? value.id : null;
  if (value.jsonrpc !== '2.0') return { ok: false, id, error: badRequest('jsonrpc must be "2.0"') };
  if (id === null) return { ok: false, id, error: badRequest('a request needs an id (number or short string)') };
  if (typeof value.method !== 'string') return { ok: false, id, error: badRequest('a request needs a method') };
  if (!(METHOD_NAMES as readonly string[]).includes(value.method)) {
    return { ok: false, id, error: new IpcError('HB_IPC_UNKNOWN_METHOD', `unknown method ${JSON.stringify(value.method.slice(0, 64))}`, { details: { methods: METHOD_NAMES } }) };
  }
  const method = value.method as MethodName;
  const params = parseParams(method, value.params);
  if (params instanceof IpcError) return { ok: false, id, error: params };
  return { ok: true, request: { jsonrpc: '2.0', id, method, params } as Request };
}

export type ServerMessage =
  | { readonly kind: 'result'; readonly id: RequestId; readonly result: unknown }
  | { readonly kind: 'error'; readonly id: RequestId | null; readonly error: IpcError }
  | { readonly kind: 'notification'; readonly notification: Notification }
  | { readonly kind: 'invalid'; readonly error: IpcError };

function errorFromObject(raw: unknown): IpcError {
  if (!isObject(raw) || typeof raw.message !== 'string') return new IpcError('HB_IPC_BAD_RESPONSE', 'the daemon sent a malformed error');
  const data = isObject(raw.data) ? raw.data : {};
  const code = isIpcErrorCode(data.hbCode) ? data.hbCode : 'HB_IPC_INTERNAL';
  const { hbCode: _hbCode, hint, ...details } = data;
  return new IpcError(code, raw.message, { ...(typeof hint === 'string' ? { hint } : {}), details });
}

/** The client's view of one incoming frame. */
export function parseServerMessage(value: unknown): ServerMessage {
  const invalid = (detail: string): ServerMessage => ({ kind: 'invalid', error: new IpcError('HB_IPC_BAD_RESPONSE', `malformed message from the daemon: ${detail}`) });
  if (!isObject(value) || value.jsonrpc !== '2.0') return invalid('not a JSON-RPC 2.0 object');
  if ('error' in value) {
    const id = isRequestId(value.id) ? value.id : null;
    return { kind: 'error', id, error: errorFromObject(value.error) };
  }
  if ('result' in value) {
    if (!isRequestId(value.id)) return invalid('a result without an id');
    return { kind: 'result', id: value.id, result: value.result };
  }
  if (value.method === 'event' || value.method === 'status') {
    if (!isObject(value.params)) return invalid('a notification without params');
    return { kind: 'notification', notification: { jsonrpc: '2.0', method: value.method, params: value.params } as unknown as Notification };
  }
  return invalid('neither a result, an error nor a known notification');
}

/** Checks the hello result well enough to compare versions (the rest is informative). */
export function parseHelloResult(value: unknown): HelloResult | IpcError {
  if (!isObject(value) || typeof value.protocolVersion !== 'number') return new IpcError('HB_IPC_BAD_RESPONSE', 'the daemon answered hello without a protocolVersion');
  return {
    protocolVersion: value.protocolVersion,
    daemonVersion: typeof value.daemonVersion === 'string' ? value.daemonVersion : 'unknown',
    node: typeof value.node === 'string' ? value.node : 'unknown',
    pid: typeof value.pid === 'number' ? value.pid : 0,
  };
}
