// The storage invariant: the shared disk is never mounted on two nodes at once. A watcher reads
// every node's mount table (/proc/<the node's namespace holder>/mountinfo: the node's own mount
// namespace) every few milliseconds and keeps a timeline of which nodes had the disk mounted.
// The timeline part is pure and unit-tested; the poller is a bounded loop.

import { readFile } from 'node:fs/promises';
import { monotonicMs } from '../../src';

export interface MountSegment {
  /** Nodes that had the disk mounted, sorted ([] = nobody). */
  readonly holders: readonly string[];
  readonly fromMs: number;
  readonly lastMs: number;
  readonly samples: number;
}

export class MountTimeline {
  private readonly list: MountSegment[] = [];
  private count = 0;

  add(atMs: number, holders: readonly string[]): void {
    this.count += 1;
    const sorted = [...holders].sort();
    const last = this.list[this.list.length - 1];
    if (last !== undefined && last.holders.length === sorted.length && last.holders.every((h, i) => h === sorted[i])) {
      this.list[this.list.length - 1] = { ...last, lastMs: atMs, samples: last.samples + 1 };
      return;
    }
    this.list.push({ holders: sorted, fromMs: atMs, lastMs: atMs, samples: 1 });
  }

  get samples(): number {
    return this.count;
  }

  segments(sinceMs = -Infinity): MountSegment[] {
    return this.list.filter((segment) => segment.lastMs >= sinceMs);
  }

  /** Segments in which more than one node had the disk mounted. */
  doubleMounts(sinceMs = -Infinity): MountSegment[] {
    return this.segments(sinceMs).filter((segment) => segment.holders.length > 1);
  }

  /** Who holds it according to the latest sample. */
  current(): readonly string[] {
    return this.list[this.list.length - 1]?.holders ?? [];
  }

  /** First segment starting at or after `sinceMs` in which exactly `node` holds it. */
  firstHeldBy(node: string, sinceMs: number): MountSegment | null {
    return this.list.find((segment) => segment.fromMs >= sinceMs && segment.holders.length === 1 && segment.holders[0] === node) ?? null;
  }
}

/** Mount points of the given devices ("major:minor") in one mountinfo text. */
export function mountsOfDevices(mountinfo: string, devices: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    if (fields.length > 4 && devices.has(fields[2] ?? '')) found.push(fields[4] as string);
  }
  return found;
}

export interface MountWatch {
  readonly timeline: MountTimeline;
  /** Problems of the watcher itself (a node's mount table unreadable), for the report. */
  readonly errors: readonly string[];
  stop(): Promise<void>;
}

export interface WatchedNode {
  readonly name: string;
  /** A process living in the node's mount namespace for the whole run (the lab's holder). */
  readonly holderPid: number;
}

/** Polls every `intervalMs` until stop() or `maxDurationMs`. */
export function watchMounts(nodes: readonly WatchedNode[], devices: ReadonlySet<string>, options: { readonly intervalMs?: number; readonly maxDurationMs?: number } = {}): MountWatch {
  const intervalMs = options.intervalMs ?? 25;
  const deadline = monotonicMs() + (options.maxDurationMs ?? 3600_000);
  const timeline = new MountTimeline();
  const errors: string[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped && monotonicMs() < deadline) {
      const at = monotonicMs();
      const holders: string[] = [];
      for (const node of nodes) {
        try {
          if (mountsOfDevices(await readFile(`/proc/${node.holderPid}/mountinfo`, 'utf8'), devices).length > 0) holders.push(node.name);
        } catch (err) {
          if (errors.length < 20) errors.push(`${node.name}: ${String(err)}`);
        }
      }
      if (!stopped) timeline.add(at, holders);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    timeline,
    errors,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
