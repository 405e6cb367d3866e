// Summary statistics of benchmark samples. Percentiles use the nearest-rank method (the value at
// rank ceil(p/100 × n) of the sorted samples): always a measured value, never an interpolation,
// so p99 of fewer than 100 samples is simply the largest one.

export interface Summary {
  readonly count: number;
  readonly min: number;
  readonly median: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentile of already sorted values; p in (0, 100]. */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile ${p} is outside (0, 100]`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** The median: the middle value, or the mean of the two middle values for an even count. */
export function medianOfSorted(sorted: readonly number[]): number {
  if (sorted.length === 0) throw new Error('median of no samples');
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** null for no samples; non-finite samples are refused (a failed run is not a number). */
export function summarize(samples: readonly number[]): Summary | null {
  if (samples.length === 0) return null;
  for (const value of samples) if (!Number.isFinite(value)) throw new Error(`not a finite sample: ${value}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, value) => acc + value, 0);
  return {
    count: sorted.length,
    min: sorted[0] as number,
    median: medianOfSorted(sorted),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[sorted.length - 1] as number,
    mean: sum / sorted.length,
  };
}
