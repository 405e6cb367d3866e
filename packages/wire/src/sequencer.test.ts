import { describe, expect, test } from '@jest/globals';
import { Sequencer } from './sequencer';

describe('Sequencer', () => {
  test('stamps 1, 2, 3 … within a generation and starts again at 1 in a new one', () => {
    const s = new Sequencer();
    expect([s.next(7), s.next(7), s.next(7)]).toEqual([1, 2, 3]);
    expect([s.next(9), s.next(9)]).toEqual([1, 2]);
  });

  test('refuses a generation that went back (the core persists generations; this is a bug)', () => {
    const s = new Sequencer();
    s.next(9);
    expect(() => s.next(8)).toThrow('generation went back from 9 to 8');
    expect(() => s.next(-1)).toThrow();
    expect(() => s.next(1.5)).toThrow();
  });
});
