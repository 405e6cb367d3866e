import { describe, expect, test } from '@jest/globals';
import { createNdjsonDecoder, encodeFrame } from './ndjson';

describe('encodeFrame', () => {
  test('one value is exactly one line, newlines inside strings stay escaped', () => {
    const line = encodeFrame({ text: 'a\nb\r\nc', n: 1 });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ text: 'a\nb\r\nc', n: 1 });
  });

  test('refuses what JSON cannot carry', () => {
    expect(() => encodeFrame(undefined)).toThrow(TypeError);
  });
});

describe('createNdjsonDecoder', () => {
  test('frames split over chunks are reassembled, several per chunk are all returned', () => {
    const decoder = createNdjsonDecoder();
    expect(decoder.push('{"a":')).toEqual([]);
    expect(decoder.push('1}\n{"b":2}\n{"c"')).toEqual([
      { ok: true, value: { a: 1 } },
      { ok: true, value: { b: 2 } },
    ]);
    expect(decoder.push(':3}\n')).toEqual([{ ok: true, value: { c: 3 } }]);
    expect(decoder.end()).toEqual([]);
  });

  test('CRLF and blank lines are tolerated', () => {
    const decoder = createNdjsonDecoder();
    expect(decoder.push('\n\r\n  \n[1]\r\n')).toEqual([{ ok: true, value: [1] }]);
  });

  test('a bad line is an error frame and the next line still decodes', () => {
    const decoder = createNdjsonDecoder();
    const frames = decoder.push('{nope\n{"ok":true}\n');
    expect(frames[0]).toMatchObject({ ok: false, reason: 'badJson' });
    expect(frames[1]).toEqual({ ok: true, value: { ok: true } });
  });

  test('an oversized line is reported once, skipped to its newline, and decoding resumes', () => {
    const decoder = createNdjsonDecoder(10);
    expect(decoder.push('"0123456')).toEqual([]);
    expect(decoder.push('789abcdef')).toEqual([{ ok: false, reason: 'tooLarge', detail: 'frame longer than 10 characters' }]);
    // still inside the oversized line: nothing buffered, nothing reported again
    expect(decoder.push('x'.repeat(100))).toEqual([]);
    expect(decoder.push('yyy"\n[2]\n')).toEqual([{ ok: true, value: [2] }]);
  });

  test('an oversized line inside one chunk is reported and skipped', () => {
    const decoder = createNdjsonDecoder(5);
    expect(decoder.push('[1,2,3,4,5,6]\n[7]\n')).toEqual([
      { ok: false, reason: 'tooLarge', detail: 'frame longer than 5 characters' },
      { ok: true, value: [7] },
    ]);
  });

  test('a stream that ends inside a frame reports it truncated', () => {
    const decoder = createNdjsonDecoder();
    decoder.push('{"half":');
    expect(decoder.end()).toEqual([{ ok: false, reason: 'truncated', detail: 'stream ended inside a frame (8 characters)' }]);
  });
});
