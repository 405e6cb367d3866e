import { describe, expect, test } from '@jest/globals';
import { nsTextToMs, parseProbeLine, ProbeTimeline, type ProbeRound } from './probe-timeline';

const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';

function round(seq: number, atMs: number, macs: string[]): ProbeRound {
  return { seq, sentAtMs: atMs, firstReplyAtMs: macs.length === 0 ? null : atMs + 0.5, macs: [...macs].sort() };
}

describe('parseProbeLine', () => {
  test('a round answered by two MACs', () => {
    expect(parseProbeLine(`P 7 1000000000 1000500000 ${B},${A}`)).toEqual({ seq: 7, sentAtMs: 1000, firstReplyAtMs: 1000.5, macs: [A, B] });
  });

  test('a round nobody answered', () => {
    expect(parseProbeLine('P 8 2000000000 - -')).toEqual({ seq: 8, sentAtMs: 2000, firstReplyAtMs: null, macs: [] });
  });

  test('duplicate MACs count once', () => {
    expect(parseProbeLine(`P 9 1000000 1000001 ${A},${A}`)?.macs).toEqual([A]);
  });

  test('anything else is not a round', () => {
    for (const line of ['', 'P 1 2 3', 'X 1 2 - -', 'P a 2 - -', 'P 1 2 - zz:zz', `P 1 2 x ${A}`, 'Traceback (most recent call last):']) {
      expect(parseProbeLine(line)).toBeNull();
    }
  });

  test('nanoseconds beyond 2^53 keep microsecond precision', () => {
    expect(nsTextToMs('1234567890123456789')).toBe(1234567890123.456);
  });
});

describe('ProbeTimeline', () => {
  test('segments: consecutive rounds with the same answer', () => {
    const t = new ProbeTimeline();
    [round(1, 0, [A]), round(2, 20, [A]), round(3, 40, []), round(4, 60, [B]), round(5, 80, [B])].forEach((r) => t.add(r));
    expect(t.segments().map((s) => [s.macs, s.rounds])).toEqual([
      [[A], 2],
      [[], 1],
      [[B], 2],
    ]);
    expect(t.rounds).toBe(5);
    expect(t.latest?.macs).toEqual([B]);
  });

  test('two owners at once are an episode, counted per round', () => {
    const t = new ProbeTimeline();
    [round(1, 0, [A]), round(2, 20, [A, B]), round(3, 40, [B, A]), round(4, 60, [B])].forEach((r) => t.add(r));
    expect(t.dualRounds).toBe(2);
    expect(t.dualOwnerEpisodes()).toEqual([{ macs: [A, B], fromMs: 20.5, lastMs: 40.5, rounds: 2 }]);
  });

  test('a clean hand-over has no episode', () => {
    const t = new ProbeTimeline();
    [round(1, 0, [A]), round(2, 20, []), round(3, 40, [B])].forEach((r) => t.add(r));
    expect(t.dualOwnerEpisodes()).toEqual([]);
    expect(t.dualRounds).toBe(0);
  });

  test('firstSegment finds the new owner after an instant; lastAnsweredBy the old one\'s last answer', () => {
    const t = new ProbeTimeline();
    [round(1, 0, [A]), round(2, 20, [A]), round(3, 40, []), round(4, 60, []), round(5, 80, [B])].forEach((r) => t.add(r));
    const b = t.firstSegment(10, (macs) => macs.includes(B));
    expect(b?.fromMs).toBe(80.5);
    expect(t.lastAnsweredBy(A, 80.5)).toBe(20.5);
    expect(t.lastAnsweredBy(B, 50)).toBeNull();
    expect(t.longestSilenceMs(0, 100)).toBe(20);
  });

  test('keeps a bounded number of segments', () => {
    const t = new ProbeTimeline({ maxSegments: 3 });
    for (let i = 0; i < 10; i += 1) t.add(round(i, i * 20, i % 2 === 0 ? [A] : [B]));
    expect(t.segments()).toHaveLength(3);
    expect(t.rounds).toBe(10);
  });
});
