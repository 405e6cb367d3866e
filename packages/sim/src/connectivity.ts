// Ground truth of "these two nodes can hear each other", measured from heartbeats actually
// delivered, not from the fault settings: a pair is connected (solid) while heartbeats arrive both
// ways with no gap as long as the threshold (a little under deadtime, so the engine had no reason
// to declare either dead). The S1 invariant only judges nodes that were connected.

export class Connectivity {
  private readonly lastMs = new Map<string, number>();
  private readonly streakSinceMs = new Map<string, number>();

  constructor(readonly gapMs: number) {}

  /** A heartbeat from `from` was handed to `to`'s engine at `nowMs`. */
  delivered(from: string, to: string, nowMs: number): void {
    const k = `${from}>${to}`;
    const last = this.lastMs.get(k);
    if (last === undefined || nowMs - last >= this.gapMs) this.streakSinceMs.set(k, nowMs);
    this.lastMs.set(k, nowMs);
  }

  /** The node (re)started or died: everything it heard or was heard by is forgotten. */
  forget(node: string): void {
    for (const k of [...this.lastMs.keys()]) {
      const [a, b] = k.split('>');
      if (a === node || b === node) {
        this.lastMs.delete(k);
        this.streakSinceMs.delete(k);
      }
    }
  }

  /** Since when a and b have heard each other without a gap, or null if they do not now. */
  solidSince(a: string, b: string, nowMs: number): number | null {
    const ab = this.lastMs.get(`${a}>${b}`);
    const ba = this.lastMs.get(`${b}>${a}`);
    if (ab === undefined || ba === undefined) return null;
    if (nowMs - ab >= this.gapMs || nowMs - ba >= this.gapMs) return null;
    return Math.max(this.streakSinceMs.get(`${a}>${b}`) ?? nowMs, this.streakSinceMs.get(`${b}>${a}`) ?? nowMs);
  }
}
