import { describe, expect, test } from '@jest/globals';
import { IpcError, EXIT_CODE_FOR_IPC_ERROR, IPC_ERROR_CODES, JSON_RPC_ERROR_NUMBERS } from './errors';
import {
  checkHelloResult,
  checkHelloVersion,
  helloParams,
  makeError,
  makeNotification,
  makeRequest,
  makeResult,
  parseHelloResult,
  parseRequest,
  parseServerMessage,
} from './messages';
import { PROTOCOL_VERSION } from './protocol';

describe('parseRequest', () => {
  test('a well-formed request round-trips through JSON', () => {
    const request = makeRequest(7, 'standby', { scope: 'foreign', wait: false });
    expect(parseRequest(JSON.parse(JSON.stringify(request)))).toEqual({ ok: true, request });
  });

  test('defaults: scope all, wait true; subscribe events only', () => {
    expect(parseRequest({ jsonrpc: '2.0', id: 1, method: 'takeover' })).toEqual({
      ok: true,
      request: { jsonrpc: '2.0', id: 1, method: 'takeover', params: { scope: 'all', wait: true } },
    });
    expect(parseRequest({ jsonrpc: '2.0', id: 'x', method: 'subscribe', params: {} })).toMatchObject({ ok: true, request: { params: { events: true, status: false } } });
    expect(parseRequest({ jsonrpc: '2.0', id: 2, method: 'status' })).toMatchObject({ ok: true, request: { params: {} } });
    expect(parseRequest({ jsonrpc: '2.0', id: 3, method: 'fenceConfirm', params: { node: 'Beta' } })).toMatchObject({ ok: true, request: { params: { node: 'beta' } } });
    expect(parseRequest({ jsonrpc: '2.0', id: 4, method: 'fenceCheck' })).toMatchObject({ ok: true, request: { params: {} } });
  });

  test.each([
    [null, null, 'HB_IPC_BAD_REQUEST'],
    [[1], null, 'HB_IPC_BAD_REQUEST'],
    [{ jsonrpc: '1.0', id: 1, method: 'status' }, 1, 'HB_IPC_BAD_REQUEST'],
    [{ jsonrpc: '2.0', method: 'status' }, null, 'HB_IPC_BAD_REQUEST'],
    [{ jsonrpc: '2.0', id: 3, method: 'reboot' }, 3, 'HB_IPC_UNKNOWN_METHOD'],
    [{ jsonrpc: '2.0', id: 4, method: 'standby', params: { scope: 'everything' } }, 4, 'HB_IPC_BAD_REQUEST'],
    [{ jsonrpc: '2.0', id: 5, method: 'standby', params: { wait: 'yes' } }, 5, 'HB_IPC_BAD_REQUEST'],
    [{ jsonrpc: '2.0', id: 6, method: 'cleanup', params: {} }, 6, 'HB_IPC_BAD_REQUEST'],
    [{ jsonrpc: '2.0', id: 9, method: 'fenceConfirm', params: {} }, 9, 'HB_IPC_BAD_REQUEST'],
    [{ jsonrpc: '2.0', id: 10, method: 'fenceConfirm', params: { node: '../x' } }, 10, 'HB_IPC_BAD_REQUEST'],
    [{ jsonrpc: '2.0', id: 7, method: 'hello', params: { protocolVersion: '1' } }, 7, 'HB_IPC_BAD_REQUEST'],
    [{ jsonrpc: '2.0', id: 8, method: 'status', params: 'all' }, 8, 'HB_IPC_BAD_REQUEST'],
  ])('%j is refused with id %j and %s', (input, id, code) => {
    const parsed = parseRequest(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.id).toEqual(id);
      expect(parsed.error.code).toBe(code);
    }
  });
});

describe('hello handshake', () => {
  test('same version: accepted on both sides', () => {
    expect(checkHelloVersion(helloParams('test'))).toBeNull();
    expect(checkHelloResult({ protocolVersion: PROTOCOL_VERSION, daemonVersion: '0.1.0', node: 'a', pid: 1 })).toBeNull();
  });

  test('a mismatch is a typed error that says which side is newer and maps to exit 76', () => {
    const error = checkHelloVersion({ protocolVersion: PROTOCOL_VERSION + 1, client: 'hbctl' });
    expect(error).toBeInstanceOf(IpcError);
    expect(error?.code).toBe('HB_IPC_VERSION_MISMATCH');
    expect(error?.hint).toContain('hbctl binary is newer');
    expect(EXIT_CODE_FOR_IPC_ERROR[error!.code]).toBe(76);
    const clientSide = checkHelloResult({ protocolVersion: PROTOCOL_VERSION + 1, daemonVersion: '9', node: 'a', pid: 1 });
    expect(clientSide?.hint).toContain('hbd binary is newer');
  });

  test('the mismatch survives the wire: the client rebuilds the same code, hint and details', () => {
    const error = checkHelloVersion({ protocolVersion: 99, client: 'hbctl' })!;
    const wire = JSON.parse(JSON.stringify(makeError(1, error)));
    expect(wire.error.code).toBe(-32000);
    const parsed = parseServerMessage(wire);
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error') {
      expect(parsed.id).toBe(1);
      expect(parsed.error.code).toBe('HB_IPC_VERSION_MISMATCH');
      expect(parsed.error.hint).toBe(error.hint);
      expect(parsed.error.details).toEqual({ clientProtocolVersion: 99, daemonProtocolVersion: PROTOCOL_VERSION });
    }
  });

  test('parseHelloResult needs a protocolVersion', () => {
    expect(parseHelloResult({})).toBeInstanceOf(IpcError);
    expect(parseHelloResult({ protocolVersion: 1, node: 'n' })).toEqual({ protocolVersion: 1, daemonVersion: 'unknown', node: 'n', pid: 0 });
  });
});

describe('parseServerMessage', () => {
  test('results, notifications and junk', () => {
    expect(parseServerMessage(makeResult(3, 'subscribe', { subscribed: true }))).toEqual({ kind: 'result', id: 3, result: { subscribed: true } });
    const note = makeNotification('event', { at: '2026-01-01T00:00:00.000Z', level: 'info', text: 'x', event: { kind: 'nodeStarted' } });
    expect(parseServerMessage(note)).toEqual({ kind: 'notification', notification: note });
    expect(parseServerMessage({ jsonrpc: '2.0', method: 'weird', params: {} }).kind).toBe('invalid');
    expect(parseServerMessage('hello').kind).toBe('invalid');
    expect(parseServerMessage({ jsonrpc: '2.0', result: 1 }).kind).toBe('invalid');
  });

  test('an error with an unknown code becomes HB_IPC_INTERNAL, a malformed one HB_IPC_BAD_RESPONSE', () => {
    const unknown = parseServerMessage({ jsonrpc: '2.0', id: 1, error: { code: -1, message: 'boom', data: { hbCode: 'HB_X' } } });
    expect(unknown).toMatchObject({ kind: 'error', error: { code: 'HB_IPC_INTERNAL', message: 'boom' } });
    const malformed = parseServerMessage({ jsonrpc: '2.0', id: 1, error: 'boom' });
    expect(malformed).toMatchObject({ kind: 'error', error: { code: 'HB_IPC_BAD_RESPONSE' } });
  });
});

describe('error tables', () => {
  test('every code has a JSON-RPC number (unique) and an exit code', () => {
    const numbers = IPC_ERROR_CODES.map((code) => JSON_RPC_ERROR_NUMBERS[code]);
    expect(new Set(numbers).size).toBe(IPC_ERROR_CODES.length);
    for (const code of IPC_ERROR_CODES) expect(EXIT_CODE_FOR_IPC_ERROR[code]).toBeGreaterThan(0);
  });

  test('instanceof works across copies via the brand', () => {
    const foreign = Object.assign(Object.create(Error.prototype), { [Symbol.for('hbd.ipc-error')]: true });
    expect(foreign instanceof IpcError).toBe(true);
    expect(new Error('x') instanceof IpcError).toBe(false);
  });
});
