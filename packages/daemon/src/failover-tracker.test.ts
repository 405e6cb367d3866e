import { describe, expect, test } from '@jest/globals';
import type { ClusterEvent } from '@hbd/core';
import { FailoverTracker } from './failover-tracker';

const wallAt = (atMs: number) => `t+${atMs}`;

function tracker() {
  return new FailoverTracker({ localNode: 'master2', evidenceWindowMs: 8000, textOf: (event) => event.kind });
}

describe('FailoverTracker', () => {
  test('a takeover: evidence before it, the agent ops, and the time it took', () => {
    const t = tracker();
    const events: ClusterEvent[] = [
      { kind: 'lateHeartbeat', atMs: 500, peer: 'master1', sinceMs: 2000, warntimeMs: 2000, deadtimeMs: 5000 }, // too old: outside the window
      { kind: 'lateHeartbeat', atMs: 10_000, peer: 'master1', sinceMs: 2000, warntimeMs: 2000, deadtimeMs: 5000 },
      { kind: 'peerDeclaredDead', atMs: 13_000, peer: 'master1', silentMs: 5000 },
      { kind: 'groupTakeoverStarted', atMs: 13_000, group: 'g', from: 'master1', reason: 'master1 dead' },
      { kind: 'resourceOpStarted', atMs: 13_001, group: 'g', resource: 'ip', action: 'start', opId: 1 },
      { kind: 'resourceOpStarted', atMs: 13_001, group: 'other', resource: 'x', action: 'start', opId: 2 },
      { kind: 'groupStarted', atMs: 13_800, group: 'g', tookMs: 800 },
      { kind: 'linkDead', atMs: 20_000, peer: 'master1', link: 'l', silentMs: 1 }, // after the move: not part of it
    ];
    for (const event of events) t.observe(event);
    const record = t.record(15_000, wallAt);
    expect(record).toMatchObject({ group: 'g', direction: 'takeover', from: 'master1', to: 'master2', tookMs: 800, outcome: 'done', startedAt: 't+13000', startedAgoMs: 2000 });
    expect(record?.timeline.map((entry) => [entry.offsetMs, entry.kind])).toEqual([
      [0, 'lateHeartbeat'],
      [3000, 'peerDeclaredDead'],
      [3000, 'groupTakeoverStarted'],
      [3001, 'resourceOpStarted'],
      [3800, 'groupStarted'],
    ]);
  });

  test('a release in progress, then failed', () => {
    const t = tracker();
    expect(t.record(0, wallAt)).toBeNull();
    t.observe({ kind: 'groupReleaseStarted', atMs: 100, group: 'g', to: 'master1', reason: 'standby' });
    expect(t.record(200, wallAt)).toMatchObject({ direction: 'release', from: 'master2', to: 'master1', outcome: 'inProgress', tookMs: null });
    t.observe({ kind: 'groupUnclean', atMs: 900, group: 'g', resource: 'nginx', attempts: 3 });
    expect(t.record(1000, wallAt)).toMatchObject({ outcome: 'failed', tookMs: 800 });
  });
});
