// Golden scenarios: each renders a timeline that must match packages/sim/golden/<name>.txt byte
// for byte, hold every invariant, and end with the outcome the scenario states.
// UPDATE_GOLDEN=1 rewrites the files; review the diff like code before committing it.

import { describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenario, SCENARIOS } from '../src/scenarios';

const GOLDEN_DIR = join(__dirname, '..', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

describe('golden scenarios', () => {
  test.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (name, scenario) => {
    const run = runScenario(scenario);
    const file = join(GOLDEN_DIR, `${name}.txt`);
    if (update) {
      mkdirSync(GOLDEN_DIR, { recursive: true });
      writeFileSync(file, run.text);
    }
    expect(run.violations).toEqual([]);
    expect(run.problem).toBeNull();
    if (!existsSync(file)) throw new Error(`no golden file ${file}: run UPDATE_GOLDEN=1 pnpm exec jest packages/sim/test/golden.sim.test.ts`);
    expect(run.text).toBe(readFileSync(file, 'utf8'));
  });

  test('a scenario renders the same text twice (the renderer and the run are deterministic)', () => {
    const s = SCENARIOS[0]!;
    expect(runScenario(s).text).toBe(runScenario(s).text);
  });
});
