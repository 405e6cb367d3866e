// CI seeds, shard 1 of 4 (see ci-seeds.ts). Replay one failing seed with `pnpm sim --seed S --profile ci --timeline`.

import { describe } from '@jest/globals';
import { defineShard } from './ci-seeds';

describe('simulator, CI seeds shard 1/4', () => defineShard(0));
