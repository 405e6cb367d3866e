// Typed, human-readable results for everything that can go wrong on the wire. Nothing in this
// package throws on network input: a bad packet is a value the daemon drops, counts and (rate-
// limited) logs. Throwing is reserved for programmer errors (a broken injected HMAC, an invalid
// keyring handed to createCodec).
//
// The list is closed and documented in docs/reference/wire-protocol.md; a test checks both ways.

export const WIRE_ERROR_CODES = [
  'HB_WIRE_TRUNCATED',
  'HB_WIRE_BAD_MAGIC',
  'HB_WIRE_UNSUPPORTED_VERSION',
  'HB_WIRE_TOO_LARGE',
  'HB_WIRE_FOREIGN_CLUSTER',
  'HB_WIRE_UNKNOWN_KEY',
  'HB_WIRE_BAD_SIGNATURE',
  'HB_WIRE_UNKNOWN_NODE',
  'HB_WIRE_UNKNOWN_TYPE',
  'HB_WIRE_MALFORMED',
  'HB_WIRE_GROUPS_MISMATCH',
  'HB_WIRE_INVALID_MESSAGE',
  'HB_WIRE_STALE_GENERATION',
  'HB_WIRE_REPLAY',
] as const;

export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];

export interface WireError {
  readonly code: WireErrorCode;
  /** One line for a sysadmin: what was wrong, with the numbers and names behind it. Never a key. */
  readonly message: string;
}

export type WireResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

export function ok<T>(value: T): WireResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: WireErrorCode, message: string): WireResult<T> {
  return { ok: false, error: { code, message } };
}

export function isWireErrorCode(code: string): code is WireErrorCode {
  return (WIRE_ERROR_CODES as readonly string[]).includes(code);
}
