import { test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { runSeed, formatFailure } from '../src/run-seed';

test('one', () => {
  const seed = Number(process.env.SEED);
  const o = runSeed(seed, { profile: (process.env.PROFILE ?? 'ci') as 'ci', fullTimeline: true });
  writeFileSync(`/tmp/simscratch/seed-${seed}.txt`, `${o.ok ? 'OK' : formatFailure(o).split('\n').slice(0, 5).join('\n')}\n${o.faults.join('\n')}\n${o.timeline}`);
});
