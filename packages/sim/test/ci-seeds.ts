// The CI seed list: seeds 1..1000 on the 'ci' profile, in four shards (one test file each, so
// jest spreads them over the machine's cores), checked in chunks of 50 so a failure names its
// seeds. Every failure prints the seed, what the swarm chose, the faults, the replay commands and
// the tail of the timeline.

import { expect, test } from '@jest/globals';
import { formatFailure, runSeed, type SeedOutcome } from '../src/run-seed';

export const CI_SEED_COUNT = 1000;
export const CI_SHARDS = 4;
const CHUNK = 50;

export function ciSeeds(shard: number): number[] {
  const per = CI_SEED_COUNT / CI_SHARDS;
  return Array.from({ length: per }, (_, i) => shard * per + i + 1);
}

export function failureText(failed: readonly SeedOutcome[]): string {
  if (failed.length === 0) return '';
  return [`${failed.length} seed(s) violated an invariant: ${failed.map((o) => `${o.seed} (${o.violations[0]?.code})`).join(', ')}`, '', formatFailure(failed[0]!)].join('\n');
}

export function defineShard(shard: number): void {
  const seeds = ciSeeds(shard);
  const chunks: number[][] = [];
  for (let i = 0; i < seeds.length; i += CHUNK) chunks.push(seeds.slice(i, i + CHUNK));
  test.each(chunks.map((c) => [`${c[0]}..${c[c.length - 1]}`, c] as const))('seeds %s hold every invariant', (_name, chunk) => {
    const failed = chunk.map((seed) => runSeed(seed, { profile: 'ci' })).filter((o) => !o.ok);
    expect(failureText(failed)).toBe('');
  });
}
