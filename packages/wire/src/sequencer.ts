// Sender side of replay protection: stamps 1, 2, 3, … within a generation. A new generation
// (persisted by the core's persistGeneration effect before its first use) starts again at 1;
// receivers see the higher generation and reset their windows. Resends of reliable messages
// take a fresh seq like any packet, so a receiver never mistakes a resend for a replay.

export class Sequencer {
  private generation = -1;
  private last = 0;

  /** The next sequence number for a packet of `generation`. Throws if the generation went back. */
  next(generation: number): number {
    if (!Number.isSafeInteger(generation) || generation < 0) throw new Error(`generation ${generation} must be an integer in 0..2^53-1`);
    if (generation < this.generation) throw new Error(`generation went back from ${this.generation} to ${generation}`);
    if (generation > this.generation) {
      this.generation = generation;
      this.last = 0;
    }
    if (this.last >= Number.MAX_SAFE_INTEGER) throw new Error('sequence numbers exhausted for this generation');
    this.last += 1;
    return this.last;
  }
}
