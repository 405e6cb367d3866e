// What the counter client saw, and the data invariant: the values read back are strictly
// increasing over the whole run (a value equal to or below an earlier one is a lost write or a
// second copy of the data). Pure: fed with the client's lines, so it is unit-tested.

export interface CounterSample {
  readonly seq: number;
  /** CLOCK_MONOTONIC milliseconds (the lab's monotonicMs clock). */
  readonly sentAtMs: number;
  readonly doneAtMs: number;
  /** The node that answered and the value it returned; null when the request failed. */
  readonly node: string | null;
  readonly value: number | null;
  /** ECONNREFUSED, timeout, http503:not_mounted, …; null when served. */
  readonly error: string | null;
}

export interface CounterRegression {
  readonly previous: CounterSample;
  readonly sample: CounterSample;
}

function nsToMs(text: string): number {
  return Number(BigInt(text) / 1000n) / 1000;
}

/** `C <seq> <sent_ns> <done_ns> ok <node> <value>` | `C <seq> <sent_ns> <done_ns> err <what>` → a sample; null for anything else. */
export function parseCounterLine(line: string): CounterSample | null {
  const parts = line.trim().split(' ');
  if (parts[0] !== 'C' || parts.length < 6) return null;
  const [, seqText, sentText, doneText, kind] = parts as [string, string, string, string, string];
  if (!/^\d+$/.test(seqText) || !/^\d+$/.test(sentText) || !/^\d+$/.test(doneText)) return null;
  const base = { seq: Number(seqText), sentAtMs: nsToMs(sentText), doneAtMs: nsToMs(doneText) };
  if (kind === 'ok' && parts.length === 7 && /^[a-z][a-z0-9]*$/.test(parts[5] ?? '') && /^\d+$/.test(parts[6] ?? '')) {
    return { ...base, node: parts[5] as string, value: Number(parts[6]), error: null };
  }
  if (kind === 'err' && parts.length === 6) return { ...base, node: null, value: null, error: parts[5] as string };
  return null;
}

/** Every served sample whose value is not above the highest value served before it. */
export function counterRegressions(samples: readonly CounterSample[]): CounterRegression[] {
  const regressions: CounterRegression[] = [];
  let best: CounterSample | null = null;
  for (const sample of [...samples].sort((a, b) => a.seq - b.seq)) {
    if (sample.value === null) continue;
    if (best !== null && best.value !== null && sample.value <= best.value) regressions.push({ previous: best, sample });
    if (best === null || (best.value ?? -1) < sample.value) best = sample;
  }
  return regressions;
}

export function describeRegression(r: CounterRegression): string {
  return `request ${r.sample.seq} read ${r.sample.value} from ${r.sample.node} after request ${r.previous.seq} had read ${r.previous.value} from ${r.previous.node}`;
}

/** The longest stretch without a served request between two instants (ms), e.g. a failover's outage. */
export function longestOutageMs(samples: readonly CounterSample[], fromMs: number, toMs: number): number {
  let lastServedAt = fromMs;
  let longest = 0;
  for (const sample of samples) {
    if (sample.value === null || sample.doneAtMs < fromMs || sample.sentAtMs > toMs) continue;
    longest = Math.max(longest, sample.doneAtMs - lastServedAt);
    lastServedAt = sample.doneAtMs;
  }
  return Math.max(longest, toMs - lastServedAt);
}
