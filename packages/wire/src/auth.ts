// Packet authentication with the authkeys keyring (heartbeat-3-behaviour.md §3.3).
//
// - Outgoing packets are signed with the `auth N` key; N travels in the packet header.
// - Incoming packets are verified with *whatever configured key has that index*, using the
//   method the RECEIVER configured for it: the sender never chooses the method, so a forged
//   packet cannot downgrade sha1 to crc. This is memberlist's keyring and fixes Heartbeat's
//   defect D1 (it verified index k with the local outbound secret, so key rotation split the
//   cluster).
// - sha1/md5 are HMACs (RFC 2104) computed by an injected function: this package is pure and
//   has no hash primitive. crc is CRC-32/POSIX, a checksum only.

import { crc32Posix } from './crc32';
import { utf8Encode } from './utf8';

export type AuthMethod = 'sha1' | 'md5' | 'crc';
export type HmacMethod = 'sha1' | 'md5';

/**
 * HMAC (RFC 2104) of `data` under `key`, as raw bytes (20 for sha1, 16 for md5). Injected by the
 * shell; the daemon's implementation is packages/daemon/src/node-hmac.ts (node:crypto).
 */
export type Hmac = (method: HmacMethod, key: Uint8Array, data: Uint8Array) => Uint8Array;

/** Signature length on the wire, by method. */
export const SIGNATURE_BYTES: { readonly [M in AuthMethod]: number } = { sha1: 20, md5: 16, crc: 4 };

/** The shape of ClusterConfig.auth this package needs (structural: @hbd/config's type fits). */
export interface AuthKeyring {
  readonly activeIndex: number;
  readonly keys: readonly { readonly index: number; readonly method: AuthMethod; readonly key: string }[];
}

export interface SigningKey {
  readonly index: number;
  readonly method: AuthMethod;
  readonly signatureBytes: number;
  sign(data: Uint8Array): Uint8Array;
}

export interface Keyring {
  /** The `auth N` key: signs every outgoing packet. */
  readonly active: SigningKey;
  /** Any configured key, by index; undefined when the index is not configured here. */
  byIndex(index: number): SigningKey | undefined;
}

// RFC 2202 test case 2: proves at start-up that the injected HMAC is really HMAC with
// (method, key, data) in that order, instead of failing every packet at run time.
const KAT_KEY = [0x4a, 0x65, 0x66, 0x65]; // "Jefe"
const KAT_DATA = 'what do ya want for nothing?';
const KAT_EXPECTED: { readonly [M in HmacMethod]: string } = {
  sha1: 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
  md5: '750c783e6ab0b503eaa86e310a5db738',
};

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += bytes[i]!.toString(16).padStart(2, '0');
  return hex;
}

function selfTest(hmac: Hmac, method: HmacMethod): void {
  const got = hmac(method, Uint8Array.from(KAT_KEY), utf8Encode(KAT_DATA)!);
  if (!(got instanceof Uint8Array) || toHex(got) !== KAT_EXPECTED[method]) {
    throw new Error(
      `the injected HMAC function fails the RFC 2202 HMAC-${method.toUpperCase()} test vector ` +
        `(expected ${KAT_EXPECTED[method]}, got ${got instanceof Uint8Array ? toHex(got) : typeof got}); ` +
        'it must be (method, key, data) => raw digest bytes',
    );
  }
}

/**
 * Builds the keyring from ClusterConfig.auth. Throws (programmer/config error, caught by the
 * config parser long before) when `auth N` is not configured, an index is outside 0..15 or
 * repeated, or sha1/md5 keys exist but no working HMAC was injected.
 */
export function createKeyring(auth: AuthKeyring, hmac: Hmac | undefined): Keyring {
  const keys = new Map<number, SigningKey>();
  const tested = new Set<HmacMethod>();
  for (const entry of auth.keys) {
    if (!Number.isInteger(entry.index) || entry.index < 0 || entry.index > 15) {
      throw new Error(`authkeys index ${entry.index} is outside 0..15`);
    }
    if (keys.has(entry.index)) throw new Error(`authkeys index ${entry.index} is configured twice`);
    const method = entry.method;
    let sign: (data: Uint8Array) => Uint8Array;
    if (method === 'crc') {
      sign = (data) => {
        const crc = crc32Posix(data);
        return Uint8Array.of(crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff);
      };
    } else if (method === 'sha1' || method === 'md5') {
      if (hmac === undefined) {
        throw new Error(`authkeys key ${entry.index} uses ${method}, which needs an injected HMAC function (createCodec({hmac}))`);
      }
      if (!tested.has(method)) {
        selfTest(hmac, method);
        tested.add(method);
      }
      const secret = utf8Encode(entry.key);
      if (secret === null) throw new Error(`authkeys key ${entry.index} is not encodable as UTF-8`);
      sign = (data) => hmac(method, secret, data);
    } else {
      throw new Error(`authkeys key ${String(entry.index)} has unknown method ${String(method)}`);
    }
    keys.set(entry.index, { index: entry.index, method, signatureBytes: SIGNATURE_BYTES[method], sign });
  }
  const active = keys.get(auth.activeIndex);
  if (active === undefined) throw new Error(`authkeys: "auth ${auth.activeIndex}" names a key that is not configured`);
  return { active, byIndex: (index) => keys.get(index) };
}

/** Compares two byte strings in time that depends only on their lengths, not their contents. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
