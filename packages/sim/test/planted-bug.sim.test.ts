// The simulator must catch a deliberately broken engine: the real core wrapped so that the new
// owner of a group does not wait for the old owner to finish stopping it (planted-bugs.ts). A
// seed counts only if the real engine passes it and the planted one violates S1 or S5, so the
// catch is the planted bug's, not a bug the real engine already has.

import { describe, expect, test } from '@jest/globals';
import { plantedEngine } from '../src/planted-bugs';
import { runSeed } from '../src/run-seed';

describe('planted bugs are caught', () => {
  test('skipping the hand-over wait: an S1/S5 violation within the CI seeds 1..1000', () => {
    let caught: { seed: number; code: string; message: string } | null = null;
    let tried = 0;
    for (let seed = 1; seed <= 1000 && caught === null; seed++) {
      tried++;
      const planted = runSeed(seed, { profile: 'ci', engine: plantedEngine('handover') });
      const v = planted.violations[0];
      if (v === undefined || (v.code !== 'S1' && v.code !== 'S5')) continue;
      if (!runSeed(seed, { profile: 'ci' }).ok) continue;
      caught = { seed, code: v.code, message: v.message };
    }
    expect(caught).not.toBeNull();
    process.stdout.write(`planted hand-over bug caught at seed ${caught?.seed} after ${tried} seeds: ${caught?.code} ${caught?.message}\n`);
  });

  test('a generation that is never persisted: S4 on the first seed', () => {
    const o = runSeed(1, { profile: 'ci', engine: plantedEngine('noPersist') });
    expect(o.violations[0]?.code).toBe('S4');
  });
});
