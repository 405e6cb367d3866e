// A manual monotonic clock for runtime tests: time moves only when the test says so, and the
// test can see how many timers are armed (the runtime must keep exactly one).
import type { Clock } from '../src/ports';

export class FakeClock implements Clock {
  private now = 0;
  private readonly timers = new Map<number, { atMs: number; callback: () => void }>();
  private nextId = 1;

  nowMs(): number {
    return this.now;
  }

  wakeAt(atMs: number, callback: () => void): () => void {
    const id = this.nextId++;
    this.timers.set(id, { atMs, callback });
    return () => this.timers.delete(id);
  }

  get armed(): number[] {
    return [...this.timers.values()].map((timer) => timer.atMs);
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (let guard = 0; guard < 10_000; guard++) {
      let due: [number, { atMs: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].atMs <= target && (due === undefined || entry[1].atMs < due[1].atMs)) due = entry;
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.now = Math.max(this.now, due[1].atMs);
      due[1].callback();
    }
    this.now = target;
  }
}
