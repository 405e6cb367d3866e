// Replays one seed from the environment (HB_SEED=S [HB_PROFILE=ci] [HB_FAULTS=-pause]) with its whole timeline,
// or, without HB_SEED, re-runs the regression seeds: seeds that once exposed an engine bug
// (packages/sim/FINDINGS.md), kept so the bug stays fixed.

import { describe, expect, test } from '@jest/globals';
import { formatFailure, runSeed } from '../src/run-seed';
import { parseFaultsArgument, type ProfileName } from '../src/swarm';
import { REGRESSION_SEEDS } from './regression-seeds';

const envSeed = process.env.HB_SEED;

describe('replay', () => {
  if (envSeed !== undefined) {
    test(`seed ${envSeed}`, () => {
      const profile = (process.env.HB_PROFILE ?? 'full') as ProfileName;
      const o = runSeed(Number(envSeed), { profile, fullTimeline: true, faults: parseFaultsArgument(process.env.HB_FAULTS) });
      if (!o.ok) process.stdout.write(`${formatFailure(o)}\n\nfull timeline:\n${o.timeline}`);
      expect(o.violations).toEqual([]);
    });
  } else {
    test.each(REGRESSION_SEEDS.map((r) => [r.seed, r.profile, r.finding] as const))('regression seed %d (%s): %s', (seed, profile) => {
      const o = runSeed(seed, { profile });
      expect(o.ok ? '' : formatFailure(o)).toBe('');
    });
  }
});
