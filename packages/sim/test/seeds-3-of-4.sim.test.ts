// CI seeds, shard 3 of 4 (see ci-seeds.ts). Replay one failing seed with `pnpm sim --seed S --profile ci --timeline`.

import { describe } from '@jest/globals';
import { defineShard } from './ci-seeds';

describe('simulator, CI seeds shard 3/4', () => defineShard(2));
