// What the VIP probe saw, as a timeline of "owner segments": consecutive ARP rounds answered by
// the same set of MACs (none, one, or — the forbidden case — several). Pure: fed with parsed
// prober lines, queried by the lab and the benchmark.

export interface ProbeRound {
  readonly seq: number;
  /** CLOCK_MONOTONIC milliseconds (same clock as process.hrtime). */
  readonly sentAtMs: number;
  /** Arrival of the first answer, or null when nobody answered. */
  readonly firstReplyAtMs: number | null;
  /** Answering MACs, lower-case, sorted. */
  readonly macs: readonly string[];
}

export interface OwnerSegment {
  readonly macs: readonly string[];
  /** First round of the segment: its first answer, or its send time when nobody answered. */
  readonly fromMs: number;
  /** Last round of the segment (same convention). */
  readonly lastMs: number;
  readonly rounds: number;
}

export interface DualOwnerEpisode {
  readonly macs: readonly string[];
  readonly fromMs: number;
  readonly lastMs: number;
  readonly rounds: number;
}

/** `P <seq> <sent_ns> <first_reply_ns|-> <mac,mac|->` → a round; null for anything else. */
export function parseProbeLine(line: string): ProbeRound | null {
  const parts = line.trim().split(' ');
  if (parts.length !== 5 || parts[0] !== 'P') return null;
  const [, seqText, sentText, replyText, macText] = parts as [string, string, string, string, string];
  if (!/^\d+$/.test(seqText) || !/^\d+$/.test(sentText) || !(replyText === '-' || /^\d+$/.test(replyText))) return null;
  const macs = macText === '-' ? [] : macText.split(',');
  if (!macs.every((mac) => /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac))) return null;
  return {
    seq: Number(seqText),
    sentAtMs: nsTextToMs(sentText),
    firstReplyAtMs: replyText === '-' ? null : nsTextToMs(replyText),
    macs: [...new Set(macs)].sort(),
  };
}

/** Nanoseconds as decimal text → milliseconds, without losing precision to 2^53 on the way. */
export function nsTextToMs(text: string): number {
  const ns = BigInt(text);
  return Number(ns / 1000n) / 1000;
}

function sameMacs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((mac, i) => mac === b[i]);
}

export class ProbeTimeline {
  private readonly segmentList: OwnerSegment[] = [];
  private roundCount = 0;
  private dualRoundCount = 0;
  private lastRound: ProbeRound | null = null;
  /** Segments kept; older ones are folded into counters (a long false-death run has few changes anyway). */
  private readonly maxSegments: number;

  constructor(options: { readonly maxSegments?: number } = {}) {
    this.maxSegments = options.maxSegments ?? 100_000;
  }

  add(round: ProbeRound): void {
    this.roundCount += 1;
    if (round.macs.length > 1) this.dualRoundCount += 1;
    this.lastRound = round;
    const at = round.firstReplyAtMs ?? round.sentAtMs;
    const last = this.segmentList[this.segmentList.length - 1];
    if (last !== undefined && sameMacs(last.macs, round.macs)) {
      this.segmentList[this.segmentList.length - 1] = { ...last, lastMs: at, rounds: last.rounds + 1 };
      return;
    }
    this.segmentList.push({ macs: round.macs, fromMs: at, lastMs: at, rounds: 1 });
    if (this.segmentList.length > this.maxSegments) this.segmentList.shift();
  }

  get rounds(): number {
    return this.roundCount;
  }

  get dualRounds(): number {
    return this.dualRoundCount;
  }

  get latest(): ProbeRound | null {
    return this.lastRound;
  }

  segments(sinceMs = -Infinity): OwnerSegment[] {
    return this.segmentList.filter((segment) => segment.lastMs >= sinceMs);
  }

  /** Rounds answered by more than one MAC, grouped into episodes. */
  dualOwnerEpisodes(sinceMs = -Infinity): DualOwnerEpisode[] {
    return this.segments(sinceMs).filter((segment) => segment.macs.length > 1);
  }

  /** The first segment starting at or after `sinceMs` that satisfies `match`. */
  firstSegment(sinceMs: number, match: (macs: readonly string[]) => boolean): OwnerSegment | null {
    return this.segmentList.find((segment) => segment.fromMs >= sinceMs && match(segment.macs)) ?? null;
  }

  /** When a MAC last answered at or before `beforeMs` (for outage gaps), or null. */
  lastAnsweredBy(mac: string, beforeMs: number): number | null {
    for (let i = this.segmentList.length - 1; i >= 0; i -= 1) {
      const segment = this.segmentList[i] as OwnerSegment;
      if (segment.fromMs > beforeMs) continue;
      if (segment.macs.includes(mac)) return Math.min(segment.lastMs, beforeMs);
    }
    return null;
  }

  /** Longest stretch without any answer between two instants (rounds answered by nobody). */
  longestSilenceMs(fromMs: number, toMs: number): number {
    let longest = 0;
    for (const segment of this.segmentList) {
      if (segment.macs.length !== 0 || segment.lastMs < fromMs || segment.fromMs > toMs) continue;
      longest = Math.max(longest, Math.min(segment.lastMs, toMs) - Math.max(segment.fromMs, fromMs));
    }
    return longest;
  }
}
