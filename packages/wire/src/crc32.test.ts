import { describe, expect, test } from '@jest/globals';
import { fc, test as propTest } from '@fast-check/jest';
import { crc32Posix } from './crc32';

/** Bit-by-bit CRC-32/POSIX (no table), straight from the parameters in reference §3.3. */
function referenceCrc(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 24;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32Posix (Heartbeat `crc` auth method)', () => {
  test('matches the catalogue check value: check("123456789") = 765e7680', () => {
    expect(crc32Posix(Buffer.from('123456789', 'latin1')).toString(16)).toBe('765e7680');
  });

  test('of no bytes is the final XOR alone', () => {
    expect(crc32Posix(new Uint8Array(0))).toBe(0xffffffff);
  });

  test('differs from the common reflected CRC-32 (zlib) — Heartbeat does not use that one', () => {
    expect(crc32Posix(Buffer.from('123456789', 'latin1'))).not.toBe(0xcbf43926);
  });

  propTest.prop([fc.uint8Array({ maxLength: 300 })])('agrees with a bitwise reference implementation', (data) => {
    expect(crc32Posix(data)).toBe(referenceCrc(data));
  });
});
