// Bad packets are dropped and counted, never logged one by one: a flood of junk (or a
// neighbouring cluster on the same port) must not fill the disk. DropCounters counts by
// reason and tells the caller when a reason deserves a log line: the first time, then at most
// once per interval, with how many were dropped silently in between. Time comes in as an
// argument (the daemon's monotonic clock), so this stays pure.

import { WIRE_ERROR_CODES, type WireErrorCode } from './errors';

export const DEFAULT_DROP_LOG_INTERVAL_MS = 60_000;

export interface DropRecord {
  /** True when the caller should log this drop now. */
  readonly logNow: boolean;
  /** Drops of this reason not logged since the previous log line (reported with this one). */
  readonly suppressed: number;
  /** All drops of this reason so far, this one included. */
  readonly total: number;
}

export class DropCounters {
  private readonly totals = new Map<WireErrorCode, number>();
  private readonly lastLoggedAtMs = new Map<WireErrorCode, number>();
  private readonly unlogged = new Map<WireErrorCode, number>();

  constructor(private readonly logIntervalMs: number = DEFAULT_DROP_LOG_INTERVAL_MS) {}

  record(code: WireErrorCode, nowMs: number): DropRecord {
    const total = (this.totals.get(code) ?? 0) + 1;
    this.totals.set(code, total);
    const last = this.lastLoggedAtMs.get(code);
    if (last === undefined || nowMs - last >= this.logIntervalMs) {
      const suppressed = this.unlogged.get(code) ?? 0;
      this.lastLoggedAtMs.set(code, nowMs);
      this.unlogged.set(code, 0);
      return { logNow: true, suppressed, total };
    }
    const suppressed = (this.unlogged.get(code) ?? 0) + 1;
    this.unlogged.set(code, suppressed);
    return { logNow: false, suppressed, total };
  }

  count(code: WireErrorCode): number {
    return this.totals.get(code) ?? 0;
  }

  total(): number {
    let sum = 0;
    for (const n of this.totals.values()) sum += n;
    return sum;
  }

  /** Every code with its count (zeros included), for `hbctl status` and metrics. */
  snapshot(): { readonly [C in WireErrorCode]: number } {
    const out = {} as { [C in WireErrorCode]: number };
    for (const code of WIRE_ERROR_CODES) out[code] = this.count(code);
    return out;
  }
}
