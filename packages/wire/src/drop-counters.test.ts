import { describe, expect, test } from '@jest/globals';
import { WIRE_ERROR_CODES } from './errors';
import { DropCounters } from './drop-counters';

describe('DropCounters', () => {
  test('logs the first drop of a reason, then at most once per interval with the suppressed count', () => {
    const d = new DropCounters(60_000);
    expect(d.record('HB_WIRE_BAD_SIGNATURE', 1_000)).toEqual({ logNow: true, suppressed: 0, total: 1 });
    expect(d.record('HB_WIRE_BAD_SIGNATURE', 2_000)).toEqual({ logNow: false, suppressed: 1, total: 2 });
    expect(d.record('HB_WIRE_BAD_SIGNATURE', 3_000)).toEqual({ logNow: false, suppressed: 2, total: 3 });
    expect(d.record('HB_WIRE_BAD_SIGNATURE', 61_000)).toEqual({ logNow: true, suppressed: 2, total: 4 });
    expect(d.record('HB_WIRE_BAD_SIGNATURE', 62_000)).toEqual({ logNow: false, suppressed: 1, total: 5 });
  });

  test('reasons are limited independently', () => {
    const d = new DropCounters(60_000);
    d.record('HB_WIRE_BAD_SIGNATURE', 0);
    expect(d.record('HB_WIRE_FOREIGN_CLUSTER', 1).logNow).toBe(true);
    expect(d.record('HB_WIRE_BAD_SIGNATURE', 2).logNow).toBe(false);
  });

  test('counts by reason, in total, and as a snapshot of every code', () => {
    const d = new DropCounters();
    d.record('HB_WIRE_REPLAY', 0);
    d.record('HB_WIRE_REPLAY', 0);
    d.record('HB_WIRE_TRUNCATED', 0);
    expect(d.count('HB_WIRE_REPLAY')).toBe(2);
    expect(d.total()).toBe(3);
    const snap = d.snapshot();
    expect(Object.keys(snap).sort()).toEqual([...WIRE_ERROR_CODES].sort());
    expect(snap.HB_WIRE_TRUNCATED).toBe(1);
    expect(snap.HB_WIRE_BAD_MAGIC).toBe(0);
  });
});
