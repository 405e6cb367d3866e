// The simulator's agenda: everything that will happen, ordered by (time, insertion order).
// Insertion order breaks ties, so two runs of one seed pop events in exactly the same order.

export interface Scheduled<T> {
  readonly atMs: number;
  readonly seq: number;
  readonly item: T;
}

export class EventQueue<T> {
  private heap: Scheduled<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(atMs: number, item: T): Scheduled<T> {
    if (!Number.isFinite(atMs)) throw new RangeError(`cannot schedule at ${atMs}`);
    const entry: Scheduled<T> = { atMs, seq: this.nextSeq++, item };
    this.heap.push(entry);
    this.siftUp(this.heap.length - 1);
    return entry;
  }

  peek(): Scheduled<T> | undefined {
    return this.heap[0];
  }

  pop(): Scheduled<T> | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop() as Scheduled<T>;
    if (heap.length > 0) {
      heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Drops every entry the predicate rejects (rare: used when a node crashes). */
  retain(keep: (item: T) => boolean): void {
    const kept = this.heap.filter((e) => keep(e.item));
    kept.sort(compare);
    this.heap = kept;
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const entry = heap[i] as Scheduled<T>;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Scheduled<T>;
      if (compare(entry, p) >= 0) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const entry = heap[i] as Scheduled<T>;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && compare(heap[right] as Scheduled<T>, heap[left] as Scheduled<T>) < 0) child = right;
      if (compare(heap[child] as Scheduled<T>, entry) >= 0) break;
      heap[i] = heap[child] as Scheduled<T>;
      i = child;
    }
    heap[i] = entry;
  }
}

function compare<T>(a: Scheduled<T>, b: Scheduled<T>): number {
  return a.atMs - b.atMs || a.seq - b.seq;
}
