// The simulated network: one directed channel per (sender, receiver, link). Each channel can
// lose, duplicate and delay packets (random delays reorder them), or be blocked outright:
// partitions (symmetric or one-way) and link flaps are blocked channels.

import type { SimRng } from './rng';

export interface ChannelConditions {
  readonly blocked: boolean;
  readonly lossP: number;
  readonly dupP: number;
  readonly delayMinMs: number;
  readonly delayMaxMs: number;
}

export const CLEAN_CHANNEL: ChannelConditions = { blocked: false, lossP: 0, dupP: 0, delayMinMs: 1, delayMaxMs: 5 };

export interface NetworkStats {
  sent: number;
  delivered: number;
  lost: number;
  blocked: number;
  duplicated: number;
}

export class SimNetwork {
  private readonly channels = new Map<string, ChannelConditions>();
  readonly stats: NetworkStats = { sent: 0, delivered: 0, lost: 0, blocked: 0, duplicated: 0 };

  constructor(
    readonly nodes: readonly string[],
    readonly links: readonly string[],
    private readonly rng: SimRng,
    private base: ChannelConditions = CLEAN_CHANNEL,
  ) {}

  /** Conditions every channel returns to when healed. */
  setBase(base: ChannelConditions): void {
    this.base = base;
  }

  conditions(from: string, to: string, link: string): ChannelConditions {
    return this.channels.get(channelKey(from, to, link)) ?? this.base;
  }

  /** Changes one direction of one link between two nodes. */
  set(from: string, to: string, link: string, change: Partial<ChannelConditions>): void {
    this.channels.set(channelKey(from, to, link), { ...this.conditions(from, to, link), ...change });
  }

  /** Changes both directions of the given links (all links by default) between two nodes. */
  setPair(a: string, b: string, change: Partial<ChannelConditions>, links: readonly string[] = this.links): void {
    for (const link of links) {
      this.set(a, b, link, change);
      this.set(b, a, link, change);
    }
  }

  /** Blocks every link from each node of `side` to each node outside it; `oneWay` keeps the way back open. */
  partition(side: readonly string[], oneWay = false): void {
    const inside = new Set(side);
    for (const a of this.nodes) {
      for (const b of this.nodes) {
        if (a === b || inside.has(a) === inside.has(b)) continue;
        if (oneWay && !inside.has(a)) continue;
        for (const link of this.links) this.set(a, b, link, { blocked: true });
      }
    }
  }

  /** Every channel back to the base conditions. */
  healAll(): void {
    this.channels.clear();
  }

  /** Can `from` reach `to` on at least one link right now (not blocked)? Ignores loss. */
  reachable(from: string, to: string): boolean {
    for (const link of this.links) if (!this.conditions(from, to, link).blocked) return true;
    return false;
  }

  /** Sends one packet: the delays (ms from now) of the copies that will arrive, possibly none. */
  transmit(from: string, to: string, link: string): number[] {
    this.stats.sent++;
    const c = this.conditions(from, to, link);
    if (c.blocked) {
      this.stats.blocked++;
      return [];
    }
    if (this.rng.chance(c.lossP)) {
      this.stats.lost++;
      return [];
    }
    const delays = [this.delay(c)];
    if (this.rng.chance(c.dupP)) {
      this.stats.duplicated++;
      delays.push(this.delay(c));
    }
    this.stats.delivered += delays.length;
    return delays;
  }

  private delay(c: ChannelConditions): number {
    return this.rng.int(Math.max(0, c.delayMinMs), Math.max(c.delayMinMs, c.delayMaxMs));
  }
}

function channelKey(from: string, to: string, link: string): string {
  return `${from}>${to}>${link}`;
}
