// The simulator's only source of randomness: one seed, split per subsystem by label.
// A child's seed is a hash of (root seed, label), not a draw from the parent's stream, so adding
// a draw in one subsystem (say the network) never shifts the numbers another (say the agents) sees.

import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** Seeds are unsigned 32-bit integers, so `pnpm sim --seed S` can be typed by hand. */
export const SEED_MAX = 0xffff_ffff;

export function isValidSeed(seed: number): boolean {
  return Number.isInteger(seed) && seed >= 0 && seed <= SEED_MAX;
}

/** FNV-1a over the label, mixed with the seed (murmur3 finalizer): a well-spread 32-bit child seed. */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class SimRng {
  private readonly gen: RandomGenerator;

  private constructor(readonly seed: number) {
    this.gen = xoroshiro128plus(seed | 0);
  }

  static fromSeed(seed: number): SimRng {
    if (!isValidSeed(seed)) throw new RangeError(`seed must be an integer in 0..${SEED_MAX}, got ${seed}`);
    return new SimRng(seed);
  }

  /** An independent stream for one subsystem ("network", "agents", "faults"…). */
  fork(label: string): SimRng {
    return new SimRng(deriveSeed(this.seed, label));
  }

  /** Uniform integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    if (hi < lo) throw new RangeError(`int(${lo}, ${hi}): empty range`);
    return uniformInt(this.gen, lo, hi);
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return (this.gen.next() >>> 0) / 0x1_0000_0000;
  }

  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Picks a key with probability proportional to its weight (weights ≥ 0, at least one > 0). */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const keys = Object.keys(weights) as K[];
    let total = 0;
    for (const k of keys) total += Math.max(0, weights[k]);
    if (total <= 0) throw new RangeError('weighted pick with no positive weight');
    let x = this.float() * total;
    for (const k of keys) {
      x -= Math.max(0, weights[k]);
      if (x < 0) return k;
    }
    return keys[keys.length - 1] as K;
  }

  /** A random subset in the original order, each item kept with probability p. */
  subset<T>(items: readonly T[], p: number): T[] {
    return items.filter(() => this.chance(p));
  }
}
