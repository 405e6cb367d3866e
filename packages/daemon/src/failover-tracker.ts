// Remembers the last time a group moved on or off this node, with the timeline that led to it:
// the evidence just before (late heartbeats, the peer declared dead, a lost ping target…), the
// decision, every agent operation, and the outcome. `hbctl status` prints it.

import type { ClusterEvent } from '@hbd/core';
import type { FailoverRecord, TimelineEntry } from '@hbd/ipc';

/** Events that explain why a group moved, kept for a while before the move starts. */
const EVIDENCE_KINDS = new Set<ClusterEvent['kind']>([
  'lateHeartbeat',
  'peerDeclaredDead',
  'peerLeaving',
  'resourceFailed',
  'fencingStarted',
  'fencingFinished',
  'peerRestarted',
  'linkDead',
  'pingTargetDead',
  'quorumChanged',
  'localStall',
  'splitBrainDetected',
]);

const MAX_EVIDENCE = 20;
const MAX_TIMELINE = 60;

interface Entry {
  readonly atMs: number;
  readonly kind: string;
  readonly text: string;
}

interface Transition {
  readonly group: string;
  readonly direction: 'takeover' | 'release';
  readonly from: string | null;
  readonly to: string | null;
  readonly reason: string;
  readonly startedAtMs: number;
  doneAtMs: number | null;
  outcome: 'inProgress' | 'done' | 'failed';
  readonly timeline: Entry[];
}

export interface FailoverTrackerOptions {
  readonly localNode: string;
  /** How far back evidence counts (deadtime + warntime + a margin). */
  readonly evidenceWindowMs: number;
  /** The log text of an event (the same words as the log). */
  readonly textOf: (event: ClusterEvent) => string;
}

function groupOf(event: ClusterEvent): string | null {
  return 'group' in event ? event.group : null;
}

export class FailoverTracker {
  private readonly evidence: Entry[] = [];
  private last: Transition | null = null;

  constructor(private readonly options: FailoverTrackerOptions) {}

  observe(event: ClusterEvent): void {
    const entry: Entry = { atMs: event.atMs, kind: event.kind, text: this.options.textOf(event) };
    if (event.kind === 'groupTakeoverStarted' || event.kind === 'groupReleaseStarted') {
      const since = event.atMs - this.options.evidenceWindowMs;
      const timeline = this.evidence.filter((item) => item.atMs >= since);
      timeline.push(entry);
      this.last =
        event.kind === 'groupTakeoverStarted'
          ? { group: event.group, direction: 'takeover', from: event.from, to: this.options.localNode, reason: event.reason, startedAtMs: event.atMs, doneAtMs: null, outcome: 'inProgress', timeline }
          : { group: event.group, direction: 'release', from: this.options.localNode, to: event.to, reason: event.reason, startedAtMs: event.atMs, doneAtMs: null, outcome: 'inProgress', timeline };
      return;
    }
    if (EVIDENCE_KINDS.has(event.kind)) {
      this.evidence.push(entry);
      if (this.evidence.length > MAX_EVIDENCE) this.evidence.shift();
    }
    const current = this.last;
    if (current === null) return;
    const group = groupOf(event);
    const relevant = group === current.group || (group === null && EVIDENCE_KINDS.has(event.kind) && current.outcome === 'inProgress');
    if (!relevant) return;
    if (current.timeline.length < MAX_TIMELINE) current.timeline.push(entry);
    if (current.outcome !== 'inProgress') return;
    if ((event.kind === 'groupStarted' && current.direction === 'takeover') || (event.kind === 'groupStopped' && current.direction === 'release')) {
      current.outcome = 'done';
      current.doneAtMs = event.atMs;
    } else if (event.kind === 'groupStartFailed' || event.kind === 'groupUnclean' || event.kind === 'refusedTakeover') {
      current.outcome = 'failed';
      current.doneAtMs = event.atMs;
    }
  }

  /** The record for the status document; `wallAt` converts a monotonic instant to ISO 8601. */
  record(nowMs: number, wallAt: (atMs: number) => string): FailoverRecord | null {
    const current = this.last;
    if (current === null) return null;
    const first = current.timeline[0]?.atMs ?? current.startedAtMs;
    const timeline: TimelineEntry[] = current.timeline.map((item) => ({ offsetMs: Math.round(item.atMs - first), at: wallAt(item.atMs), kind: item.kind, text: item.text }));
    return {
      group: current.group,
      direction: current.direction,
      from: current.from,
      to: current.to,
      reason: current.reason,
      startedAt: wallAt(current.startedAtMs),
      startedAgoMs: Math.max(0, Math.round(nowMs - current.startedAtMs)),
      tookMs: current.doneAtMs === null ? null : Math.round(current.doneAtMs - current.startedAtMs),
      outcome: current.outcome,
      timeline,
    };
  }
}
