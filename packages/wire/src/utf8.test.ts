import { describe, expect, test } from '@jest/globals';
import { fc, test as propTest } from '@fast-check/jest';
import { utf8Decode, utf8Encode } from './utf8';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

describe('utf8Encode', () => {
  propTest.prop([fc.string({ unit: 'grapheme', maxLength: 40 })])('agrees with Node for well-formed text', (text) => {
    expect(Buffer.from(utf8Encode(text)!)).toEqual(Buffer.from(text, 'utf8'));
  });

  test('refuses lone surrogates instead of silently replacing them', () => {
    expect(utf8Encode('a\ud800')).toBeNull();
    expect(utf8Encode('\udc00b')).toBeNull();
    expect(utf8Encode('\ud83d\ude00')).toEqual(Uint8Array.from([0xf0, 0x9f, 0x98, 0x80]));
  });
});

describe('utf8Decode', () => {
  propTest.prop([fc.string({ unit: 'binary', maxLength: 40 })])('round-trips every encodable string', (text) => {
    const bytes = utf8Encode(text);
    if (bytes !== null) expect(utf8Decode(bytes)).toBe(text);
  });

  propTest.prop([fc.uint8Array({ maxLength: 64 })], { numRuns: 2000 })('accepts exactly what a strict WHATWG decoder accepts', (bytes) => {
    let expected: string | null;
    try {
      expected = strict.decode(bytes);
    } catch {
      expected = null;
    }
    expect(utf8Decode(bytes)).toBe(expected);
  });

  test.each([
    ['overlong "/"', [0xc0, 0xaf]],
    ['overlong 3-byte', [0xe0, 0x80, 0xaf]],
    ['surrogate', [0xed, 0xa0, 0x80]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['cut off', [0xe2, 0x82]],
    ['lone continuation', [0x80]],
  ])('rejects %s', (_name, bytes) => {
    expect(utf8Decode(Uint8Array.from(bytes))).toBeNull();
  });

  test('decodes a sub-range only', () => {
    expect(utf8Decode(Buffer.from('xxhéllo!yy'), 2, 9)).toBe('héllo!');
  });
});
