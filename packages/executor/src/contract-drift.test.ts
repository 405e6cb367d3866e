// The executor repeats the engine's OpOutcome vocabulary (it must not depend on @hbd/core);
// this keeps the two from drifting apart.
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OP_OUTCOMES } from './types';

test('OpOutcome here is the same union as in packages/core/src/types.ts', () => {
  const core = readFileSync(join(__dirname, '..', '..', 'core', 'src', 'types.ts'), 'utf8').replace(/\/\/.*$/gm, '');
  const union = /export type OpOutcome =([^;]*);/.exec(core)?.[1] ?? '';
  const literals = [...union.matchAll(/'([A-Za-z]+)'/g)].map((m) => m[1]);
  expect(literals.length).toBeGreaterThan(0);
  expect([...literals].sort()).toEqual([...OP_OUTCOMES].sort());
});
