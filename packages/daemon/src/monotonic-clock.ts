// The production Clock: performance.now() (monotonic, sub-millisecond) and one setTimeout per
// wake-up. A timer that fires a little early (libuv rounds to whole milliseconds) is re-armed for
// the remainder, so callers never see "now < atMs" in a timer callback.

import { performance } from 'node:perf_hooks';
import type { Clock } from './ports';

/** setTimeout's ceiling (2^31-1 ms, ~24.8 days); longer waits are chained. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export function createMonotonicClock(): Clock {
  const nowMs = (): number => performance.now();
  return {
    nowMs,
    wakeAt(atMs, callback) {
      let handle: NodeJS.Timeout | null = null;
      let cancelled = false;
      const arm = (): void => {
        const delay = Math.min(MAX_TIMEOUT_MS, Math.max(0, Math.ceil(atMs - nowMs())));
        handle = setTimeout(() => {
          handle = null;
          if (cancelled) return;
          if (nowMs() < atMs) arm();
          else callback();
        }, delay);
      };
      arm();
      return () => {
        cancelled = true;
        if (handle !== null) clearTimeout(handle);
        handle = null;
      };
    },
  };
}
