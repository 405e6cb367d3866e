import { describe, expect } from '@jest/globals';
import { fc, test } from '@fast-check/jest';
import { createNdjsonDecoder, encodeFrame, type Frame } from './ndjson';

// Cut a string at arbitrary points (sorted, possibly repeated, possibly inside a surrogate pair).
function chunked(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let last = 0;
  for (const point of points) {
    chunks.push(text.slice(last, point));
    last = point;
  }
  chunks.push(text.slice(last));
  return chunks;
}

// JSON round-trips lose -0 and undefined; fc.jsonValue produces only what survives.
const values = fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 12 });

describe('NDJSON framing under arbitrary chunking', () => {
  test.prop([values, fc.array(fc.nat(), { maxLength: 40 })])('every value comes out once, in order, whatever the chunking', (input, cuts) => {
    const stream = input.map(encodeFrame).join('');
    const decoder = createNdjsonDecoder();
    const frames: Frame[] = [];
    for (const chunk of chunked(stream, cuts)) frames.push(...decoder.push(chunk));
    frames.push(...decoder.end());
    expect(frames).toEqual(input.map((value) => ({ ok: true, value: JSON.parse(JSON.stringify(value)) as unknown })));
  });

  test.prop([fc.string({ unit: 'binary', maxLength: 400 }), fc.array(fc.nat(), { maxLength: 20 }), fc.integer({ min: 1, max: 64 })])(
    'arbitrary text never throws, and the buffer never exceeds the limit',
    (text, cuts, limit) => {
      const decoder = createNdjsonDecoder(limit);
      const frames: Frame[] = [];
      for (const chunk of chunked(text, cuts)) {
        frames.push(...decoder.push(chunk));
        expect(decoder.bufferedChars()).toBeLessThanOrEqual(limit);
      }
      frames.push(...decoder.end());
      // each non-blank line yields at most one frame
      const lines = text.split('\n').filter((line) => line.replace(/\r$/, '').trim() !== '');
      expect(frames.length).toBeLessThanOrEqual(lines.length);
    },
  );

  test.prop([values, fc.array(fc.nat(), { maxLength: 20 })])('garbage lines between frames do not disturb the good ones', (input, cuts) => {
    const stream = input.map((value) => `not json ${String(input.length)}\n${encodeFrame(value)}`).join('');
    const decoder = createNdjsonDecoder();
    const frames: Frame[] = [];
    for (const chunk of chunked(stream, cuts)) frames.push(...decoder.push(chunk));
    const good = frames.filter((frame) => frame.ok);
    expect(good).toEqual(input.map((value) => ({ ok: true, value: JSON.parse(JSON.stringify(value)) as unknown })));
    expect(frames.filter((frame) => !frame.ok)).toHaveLength(input.length);
  });
});
