// Time helpers of the lab: one monotonic clock (CLOCK_MONOTONIC, the clock the ARP prober stamps
// its rounds with) and bounded waiting.

/** CLOCK_MONOTONIC in milliseconds (process.hrtime), comparable with the prober's timestamps. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

/** `unref`: for the losing side of a race, so it does not keep the process alive. */
export function delay(ms: number, unref = false): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (unref) timer.unref();
  });
}

export class LabTimeoutError extends Error {
  constructor(what: string, ms: number, detail = '') {
    super(`HB_LAB_TIMEOUT: ${what}: not within ${Math.round(ms)} ms${detail === '' ? '' : ` (${detail})`}`);
    this.name = 'LabTimeoutError';
  }
}

/**
 * Polls `check` every `intervalMs` until it returns something other than null/undefined/false,
 * at most `timeoutMs` (bounded in count and time).
 */
export async function pollUntil<T>(what: string, check: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = monotonicMs() + timeoutMs;
  let lastError: unknown = null;
  for (let i = 0; i < Math.ceil(timeoutMs / intervalMs) + 2; i += 1) {
    try {
      const value = await check();
      if (value !== null && value !== undefined && value !== false) return value;
      lastError = null;
    } catch (err) {
      lastError = err;
    }
    if (monotonicMs() >= deadline) break;
    await delay(Math.min(intervalMs, Math.max(0, deadline - monotonicMs())));
  }
  throw new LabTimeoutError(what, timeoutMs, lastError instanceof Error ? lastError.message : '');
}
