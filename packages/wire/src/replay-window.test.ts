import { describe, expect, test } from '@jest/globals';
import { ReplayWindow } from './replay-window';

describe('ReplayWindow', () => {
  test('the first packet from a peer is admitted whatever its numbers', () => {
    const w = new ReplayWindow();
    expect(w.admit('beta', 7, 1000)).toEqual({ ok: true, value: { previousGeneration: null, peerRestarted: false } });
    expect(w.generationOf('beta')).toBe(7);
  });

  test('a duplicate on the same link is HB_WIRE_REPLAY', () => {
    const w = new ReplayWindow();
    w.admit('beta', 7, 1, 'eth1');
    expect(w.admit('beta', 7, 1, 'eth1')).toEqual({
      ok: false,
      error: { code: 'HB_WIRE_REPLAY', message: 'duplicate packet from beta on eth1: generation 7 seq 1 was already received' },
    });
  });

  test('the same packet on another link is admitted: that is how the core knows the second link is up', () => {
    const w = new ReplayWindow();
    expect(w.admit('beta', 7, 1, 'eth0').ok).toBe(true);
    expect(w.admit('beta', 7, 1, 'eth1').ok).toBe(true);
    expect(w.admit('beta', 7, 1, 'eth1').ok).toBe(false);
  });

  test('reordering inside the window is admitted, once', () => {
    const w = new ReplayWindow({ windowSize: 8 });
    for (const seq of [5, 3, 4, 1, 2]) expect(w.admit('beta', 1, seq).ok).toBe(true);
    for (const seq of [1, 2, 3, 4, 5]) expect(w.admit('beta', 1, seq).ok).toBe(false);
  });

  test('a seq older than the window is HB_WIRE_REPLAY, even if never seen', () => {
    const w = new ReplayWindow({ windowSize: 8 });
    w.admit('beta', 1, 100);
    expect(w.admit('beta', 1, 93).ok).toBe(true); // 7 behind: still inside
    const r = w.admit('beta', 1, 92);
    expect(r).toEqual({ ok: false, error: { code: 'HB_WIRE_REPLAY', message: 'packet from beta with seq 92 is too old: 8 behind seq 100 (window 8)' } });
  });

  test('a jump ahead forgets the slots it skipped over (no stale "seen" bits from the last lap)', () => {
    const w = new ReplayWindow({ windowSize: 4 });
    for (const seq of [1, 2, 3, 4]) w.admit('beta', 1, seq);
    expect(w.admit('beta', 1, 7).ok).toBe(true); // slots of 5 and 6 reused: they held 1 and 2
    expect(w.admit('beta', 1, 5).ok).toBe(true);
    expect(w.admit('beta', 1, 6).ok).toBe(true);
    expect(w.admit('beta', 1, 4).ok).toBe(false); // seen
    expect(w.admit('beta', 1, 3).ok).toBe(false); // too old
  });

  test('a higher generation is a restart: the sequence starts afresh on every link', () => {
    const w = new ReplayWindow();
    w.admit('beta', 7, 500, 'eth0');
    w.admit('beta', 7, 500, 'eth1');
    expect(w.admit('beta', 8, 1, 'eth0')).toEqual({ ok: true, value: { previousGeneration: 7, peerRestarted: true } });
    expect(w.admit('beta', 8, 1, 'eth1')).toEqual({ ok: true, value: { previousGeneration: 8, peerRestarted: false } });
  });

  test('an older generation is HB_WIRE_STALE_GENERATION, and names both generations', () => {
    const w = new ReplayWindow();
    w.admit('beta', 8, 1);
    const r = w.admit('beta', 7, 9999, 'eth0');
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'HB_WIRE_STALE_GENERATION',
        message: 'packet from beta on eth0 has generation 7, older than 8 already heard: a replayed packet, or beta lost its generation file',
      },
    });
  });

  test('peers are independent', () => {
    const w = new ReplayWindow();
    w.admit('alpha', 3, 1);
    expect(w.admit('beta', 1, 1).ok).toBe(true);
    expect(w.admit('alpha', 3, 1).ok).toBe(false);
  });

  test('forget() lets a peer that lost its generation file back in (operator action, D3)', () => {
    const w = new ReplayWindow();
    w.admit('beta', 8, 1);
    expect(w.admit('beta', 1, 1).ok).toBe(false);
    w.forget('beta');
    expect(w.admit('beta', 1, 1).ok).toBe(true);
  });

  test('window sizes outside 1..4096 are refused', () => {
    expect(() => new ReplayWindow({ windowSize: 0 })).toThrow();
    expect(() => new ReplayWindow({ windowSize: 4097 })).toThrow();
    expect(new ReplayWindow().windowSize).toBe(64);
  });
});
