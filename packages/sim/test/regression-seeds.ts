// Seeds that exposed an engine bug, with the finding they belong to (packages/sim/FINDINGS.md).
// Add one whenever a bug found by the simulator is fixed.

import type { ProfileName } from '../src/swarm';

export const REGRESSION_SEEDS: readonly { readonly seed: number; readonly profile: ProfileName; readonly finding: string }[] = [];
