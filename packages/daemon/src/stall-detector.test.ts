import { describe, expect, test } from '@jest/globals';
import { FakeClock } from '../test/fake-clock';
import { createMonotonicClock } from './monotonic-clock';
import { StallDetector, defaultTickMs } from './stall-detector';

describe('StallDetector', () => {
  test('reports a gap beyond tick + threshold once, with the stalled time', () => {
    const clock = new FakeClock();
    const detector = new StallDetector({ clock, thresholdMs: 2000, tickMs: 100 });
    clock.advance(100);
    expect(detector.check()).toBeNull();
    clock.advance(2000); // 1900 ms beyond the tick: below the threshold
    expect(detector.check()).toBeNull();
    clock.advance(7100);
    expect(detector.check()).toBe(7000);
    expect(detector.check()).toBeNull(); // once per stall
    expect(detector.facts()).toMatchObject({ stalls: 1, longestStallMs: 7000, lastStallAtMs: 9200 });
  });

  test('a real blocked event loop is noticed by the ticker', async () => {
    const detector = new StallDetector({ clock: createMonotonicClock(), thresholdMs: 150, tickMs: 20 });
    const stalls: number[] = [];
    detector.start((stalledMs) => stalls.push(stalledMs));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const until = Date.now() + 400;
    while (Date.now() < until) {
      // block the loop for 400 ms
    }
    await new Promise((resolve) => setTimeout(resolve, 60));
    detector.stop();
    // On a loaded machine the scheduler may add a short stall of its own: count the one we made.
    expect(stalls.filter((stalledMs) => stalledMs > 300)).toHaveLength(1);
    expect(detector.facts().delayP99Ms).toBeGreaterThan(100);
  });

  test('the ticker period follows the threshold: 100 ms to 250 ms', () => {
    expect(defaultTickMs(500)).toBe(100);
    expect(defaultTickMs(1800)).toBe(150);
    expect(defaultTickMs(3000)).toBe(250);
    expect(defaultTickMs(60_000)).toBe(250);
    const clock = new FakeClock();
    const detector = new StallDetector({ clock, thresholdMs: 3000 });
    clock.advance(3200); // 2950 ms beyond a 250 ms tick: not above the threshold
    expect(detector.check()).toBeNull();
    clock.advance(3300);
    expect(detector.check()).toBe(3050);
  });
});
