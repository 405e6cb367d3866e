// Notices when this process itself did not run (event loop blocked, VM paused, SIGSTOP): a
// ticker records the last instant the loop was alive; before the runtime hands any input to the
// engine it asks `check`, so a stall is reported before stale silence is judged as a dead peer.
// perf_hooks' histogram adds the event-loop delay distribution for `hbctl status`.

import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Clock } from './ports';

/** The histogram samples with a timer of this period and records period + delay: subtracted below. */
const HISTOGRAM_RESOLUTION_MS = 10;

export interface StallDetectorOptions {
  readonly clock: Clock;
  /** Stalls longer than this are reported (warntime). */
  readonly thresholdMs: number;
  /** How often the ticker runs; a stall is measured as the gap beyond this. Default 100 ms. */
  readonly tickMs?: number;
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
  private histogram: IntervalHistogram | null = null;
  private stalls = 0;
  private longestStallMs = 0;
  private lastStallAtMs: number | null = null;
  private readonly tickMs: number;
  thresholdMs: number;

  constructor(private readonly options: StallDetectorOptions) {
    this.tickMs = options.tickMs ?? 100;
    this.thresholdMs = options.thresholdMs;
    this.lastAliveAtMs = options.clock.nowMs();
  }

  /** Starts the ticker; `onStall` is called from the ticker when it is the first to notice. */
  start(onStall: (stalledMs: number) => void): void {
    this.lastAliveAtMs = this.options.clock.nowMs();
    this.ticker = setInterval(() => {
      const stalledMs = this.check();
      if (stalledMs !== null) onStall(stalledMs);
    }, this.tickMs);
    this.ticker.unref();
    this.histogram = monitorEventLoopDelay({ resolution: HISTOGRAM_RESOLUTION_MS });
    this.histogram.enable();
  }

  stop(): void {
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
    this.histogram?.disable();
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
    const p99 = this.histogram === null || this.histogram.count === 0 ? null : Math.max(0, this.histogram.percentile(99) / 1e6 - HISTOGRAM_RESOLUTION_MS);
    return { stalls: this.stalls, longestStallMs: this.longestStallMs, lastStallAtMs: this.lastStallAtMs, delayP99Ms: p99 };
  }
}
