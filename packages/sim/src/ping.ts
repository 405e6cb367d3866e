// Ping targets as each simulated node sees them: an address can be cut for one node only
// (its uplink died) or for everybody (the gateway itself died).

import type { PingTarget } from '@hbd/config';

export class SimPing {
  private readonly cuts = new Set<string>();

  constructor(private readonly targets: readonly PingTarget[]) {}

  reachable(node: string, address: string): boolean {
    return !this.cuts.has(`${node}|${address}`) && !this.cuts.has(`*|${address}`);
  }

  /** How many configured targets the node reaches (a ping_group counts if any member answers). */
  reachCount(node: string): number {
    let n = 0;
    for (const t of this.targets) if (t.addresses.some((a) => this.reachable(node, a))) n++;
    return n;
  }

  cut(node: string | '*', address: string): void {
    this.cuts.add(`${node}|${address}`);
  }

  restore(node: string | '*', address: string): void {
    this.cuts.delete(`${node}|${address}`);
  }

  /** Cuts every address of every target for the node ("ping lost on master1"). */
  isolate(node: string): void {
    for (const t of this.targets) for (const a of t.addresses) this.cut(node, a);
  }

  healAll(): void {
    this.cuts.clear();
  }
}
