// Typed errors of the control protocol. The daemon sends them as JSON-RPC error objects whose
// `data.hbCode` carries the closed code below; the client turns them back into IpcError and
// hbctl maps each code to its exit status (`exitCodeFor`).

export const IPC_ERROR_CODES = [
  /** hello: client and daemon speak different protocol versions (hbctl exit 76). */
  'HB_IPC_VERSION_MISMATCH',
  /** A request arrived before a successful hello. */
  'HB_IPC_HELLO_REQUIRED',
  /** A line that is not JSON. */
  'HB_IPC_BAD_FRAME',
  /** A line longer than the frame limit. */
  'HB_IPC_FRAME_TOO_LARGE',
  /** JSON, but not a valid request (or invalid params). */
  'HB_IPC_BAD_REQUEST',
  /** A method this daemon does not know. */
  'HB_IPC_UNKNOWN_METHOD',
  /** The daemon is shutting down and takes no new admin requests. */
  'HB_IPC_SHUTTING_DOWN',
  /** Too many admin requests in flight; try again. */
  'HB_IPC_BUSY',
  /** A bug in the daemon (the request was valid). */
  'HB_IPC_INTERNAL',
  /** Client side: no daemon answers on the socket. */
  'HB_IPC_UNAVAILABLE',
  /** Client side: the socket exists but we may not connect (not root / not in group haclient). */
  'HB_IPC_PERMISSION_DENIED',
  /** Client side: the daemon closed the connection before answering. */
  'HB_IPC_CONNECTION_LOST',
  /** Client side: no answer in time. */
  'HB_IPC_TIMEOUT',
  /** A response that does not match the protocol. */
  'HB_IPC_BAD_RESPONSE',
] as const;

export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];

const BRAND = Symbol.for('hbd.ipc-error');

export class IpcError extends Error {
  readonly code: IpcErrorCode;
  readonly hint: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: IpcErrorCode, message: string, opts: { hint?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'IpcError';
    this.code = code;
    this.hint = opts.hint;
    this.details = opts.details ?? {};
    (this as unknown as Record<symbol, boolean>)[BRAND] = true;
  }

  /** instanceof that survives two copies of this package (jest source + dist). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

export function isIpcErrorCode(value: unknown): value is IpcErrorCode {
  return typeof value === 'string' && (IPC_ERROR_CODES as readonly string[]).includes(value);
}

/** JSON-RPC 2.0 error numbers (-32700…-32600 reserved by the spec, -32000… for the application). */
export const JSON_RPC_ERROR_NUMBERS: { readonly [K in IpcErrorCode]: number } = {
  HB_IPC_BAD_FRAME: -32700,
  HB_IPC_BAD_REQUEST: -32600,
  HB_IPC_UNKNOWN_METHOD: -32601,
  HB_IPC_INTERNAL: -32603,
  HB_IPC_VERSION_MISMATCH: -32000,
  HB_IPC_HELLO_REQUIRED: -32001,
  HB_IPC_FRAME_TOO_LARGE: -32002,
  HB_IPC_SHUTTING_DOWN: -32003,
  HB_IPC_BUSY: -32004,
  HB_IPC_UNAVAILABLE: -32010,
  HB_IPC_PERMISSION_DENIED: -32011,
  HB_IPC_CONNECTION_LOST: -32012,
  HB_IPC_TIMEOUT: -32013,
  HB_IPC_BAD_RESPONSE: -32014,
};

/**
 * hbctl's exit status for each error (docs/reference/exit-codes.md; Pacemaker's crm_exit_t subset).
 * 69 UNAVAILABLE, 76 PROTOCOL, 75 TEMPFAIL, 70 SOFTWARE, 4 INSUFFICIENT_PRIV, 124 TIMEOUT.
 */
export const EXIT_CODE_FOR_IPC_ERROR: { readonly [K in IpcErrorCode]: number } = {
  HB_IPC_VERSION_MISMATCH: 76,
  HB_IPC_HELLO_REQUIRED: 76,
  HB_IPC_BAD_FRAME: 76,
  HB_IPC_FRAME_TOO_LARGE: 76,
  HB_IPC_BAD_REQUEST: 76,
  HB_IPC_UNKNOWN_METHOD: 76,
  HB_IPC_BAD_RESPONSE: 76,
  HB_IPC_SHUTTING_DOWN: 75,
  HB_IPC_BUSY: 75,
  HB_IPC_INTERNAL: 70,
  HB_IPC_UNAVAILABLE: 69,
  HB_IPC_CONNECTION_LOST: 69,
  HB_IPC_PERMISSION_DENIED: 4,
  HB_IPC_TIMEOUT: 124,
};
