// Notices when this process itself did not run (event loop blocked, VM paused, SIGSTOP): a
// ticker records the last instant the loop was alive; before the runtime hands any input to the
// engine it asks `check`, so a stall is reported before stale silence is judged as a dead peer.
// The ticker's own lateness (how much later than its period it ran) is the event-loop delay shown
// by `hbctl status`. perf_hooks' monitorEventLoopDelay is not used: it samples with a 10 ms
// timer, 100 wake-ups a second, which cost an idle node about 0.3 % CPU (bench, 16 nodes).

import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { Clock } from './ports';

export interface StallDetectorOptions {
  readonly clock: Clock;
  /** Stalls longer than this are reported (warntime). */
  readonly thresholdMs: number;
  /**
   * How often the ticker runs; a stall is measured as the gap beyond this, so it is also the
   * measurement's resolution. Default: a twelfth of the threshold, 100 ms to 250 ms.
   */
  readonly tickMs?: number;
}

/**
 * Each tick is a wake-up of the whole process (about 0.15 ms of CPU on a small VM): at warntime
 * 3 s, 4 a second instead of 10 cost less and still measure a stall to within a twelfth of the
 * threshold it is judged against (the engine also notices its own late timers, policy.ts).
 */
export function defaultTickMs(thresholdMs: number): number {
  return Math.min(250, Math.max(100, Math.round(thresholdMs / 12)));
}

export interface StallFacts {
  readonly stalls: number;
  readonly longestStallMs: number;
  readonly lastStallAtMs: number | null;
  readonly delayP99Ms: number | null;
}

export class StallDetector {
  private lastAliveAtMs: number;
  private ticker: NodeJS.Timeout | null = null;
  private histogram: RecordableHistogram | null = null;
  /** When the ticker last ran (the delay sample is measured between two ticks only). */
  private lastTickAtMs: number | null = null;
  private stalls = 0;
  private longestStallMs = 0;
  private lastStallAtMs: number | null = null;
  private readonly tickMs: number;
  thresholdMs: number;

  constructor(private readonly options: StallDetectorOptions) {
    this.tickMs = options.tickMs ?? defaultTickMs(options.thresholdMs);
    this.thresholdMs = options.thresholdMs;
    this.lastAliveAtMs = options.clock.nowMs();
  }

  /** Starts the ticker; `onStall` is called from the ticker when it is the first to notice. */
  start(onStall: (stalledMs: number) => void): void {
    this.lastAliveAtMs = this.options.clock.nowMs();
    this.lastTickAtMs = this.lastAliveAtMs;
    this.histogram = createHistogram();
    this.ticker = setInterval(() => {
      this.recordDelay();
      const stalledMs = this.check();
      if (stalledMs !== null) onStall(stalledMs);
    }, this.tickMs);
    this.ticker.unref();
  }

  stop(): void {
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
    this.lastTickAtMs = null;
  }

  private recordDelay(): void {
    const nowMs = this.options.clock.nowMs();
    if (this.lastTickAtMs !== null && this.histogram !== null) {
      // Whole microseconds, at least 1 (the histogram takes positive integers).
      const lateUs = Math.max(1, Math.round((nowMs - this.lastTickAtMs - this.tickMs) * 1000));
      this.histogram.record(lateUs);
    }
    this.lastTickAtMs = nowMs;
  }

  /**
   * Returns how long the process stalled if that exceeds the threshold (once per stall), else
   * null. Either way the loop is alive now.
   */
  check(): number | null {
    const nowMs = this.options.clock.nowMs();
    const stalledMs = nowMs - this.lastAliveAtMs - this.tickMs;
    this.lastAliveAtMs = nowMs;
    if (stalledMs <= this.thresholdMs) return null;
    this.stalls++;
    this.longestStallMs = Math.max(this.longestStallMs, stalledMs);
    this.lastStallAtMs = nowMs;
    return stalledMs;
  }

  facts(): StallFacts {
    const p99 = this.histogram === null || this.histogram.count === 0 ? null : this.histogram.percentile(99) / 1000;
    return { stalls: this.stalls, longestStallMs: this.longestStallMs, lastStallAtMs: this.lastStallAtMs, delayP99Ms: p99 };
  }
}
