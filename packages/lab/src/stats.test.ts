import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { medianOfSorted, percentileOfSorted, summarize } from './stats';

describe('summarize', () => {
  test('min, median, p99, max and mean of an odd count', () => {
    expect(summarize([30, 10, 20])).toEqual({ count: 3, min: 10, median: 20, p99: 30, max: 30, mean: 20 });
  });

  test('the median of an even count is the mean of the middle two', () => {
    expect(summarize([4, 1, 3, 2])?.median).toBe(2.5);
  });

  test('p99 is the nearest-rank value: the largest of fewer than 100 samples', () => {
    const samples = Array.from({ length: 10 }, (_, i) => (i + 1) * 100);
    expect(summarize(samples)?.p99).toBe(1000);
  });

  test('p99 of 200 samples is the 198th smallest', () => {
    const samples = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(summarize(samples)?.p99).toBe(198);
  });

  test('no samples: null; a non-finite sample is refused', () => {
    expect(summarize([])).toBeNull();
    expect(() => summarize([1, Number.NaN])).toThrow('not a finite sample');
    expect(() => summarize([Number.POSITIVE_INFINITY])).toThrow();
  });

  test('does not reorder the caller\'s array', () => {
    const samples = [3, 1, 2];
    summarize(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  test('min ≤ median ≤ p99 ≤ max, and every percentile is a sample', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 300 }), (samples) => {
        const s = summarize(samples);
        if (s === null) return false;
        return s.min <= s.median && s.median <= s.p99 && s.p99 <= s.max && samples.includes(s.p99) && samples.includes(s.min) && samples.includes(s.max);
      }),
    );
  });
});

describe('percentiles', () => {
  test('nearest rank at the edges', () => {
    expect(percentileOfSorted([1, 2, 3, 4], 25)).toBe(1);
    expect(percentileOfSorted([1, 2, 3, 4], 50)).toBe(2);
    expect(percentileOfSorted([1, 2, 3, 4], 100)).toBe(4);
    expect(percentileOfSorted([7], 1)).toBe(7);
  });

  test('refuses what is not a percentile or no data', () => {
    expect(() => percentileOfSorted([1], 0)).toThrow('outside');
    expect(() => percentileOfSorted([1], 101)).toThrow('outside');
    expect(() => percentileOfSorted([], 50)).toThrow('no samples');
    expect(() => medianOfSorted([])).toThrow('no samples');
  });
});
