import { describe, expect } from '@jest/globals';
import { fc, test } from '@fast-check/jest';
import { ReplayWindow } from './replay-window';

/** The obviously-correct model: remember everything, compare. */
class ModelWindow {
  private readonly peers = new Map<string, { generation: number; links: Map<string, { highest: number; seen: Set<number> }> }>();
  constructor(private readonly size: number) {}

  admit(from: string, generation: number, seq: number, link: string): string {
    let peer = this.peers.get(from);
    if (peer !== undefined && generation < peer.generation) return 'HB_WIRE_STALE_GENERATION';
    if (peer === undefined || generation > peer.generation) {
      peer = { generation, links: new Map() };
      this.peers.set(from, peer);
    }
    let w = peer.links.get(link);
    if (w === undefined) {
      w = { highest: -1, seen: new Set() };
      peer.links.set(link, w);
    }
    if (w.seen.has(seq)) return 'HB_WIRE_REPLAY';
    if (w.highest >= 0 && w.highest - seq >= this.size) return 'HB_WIRE_REPLAY';
    w.seen.add(seq);
    w.highest = Math.max(w.highest, seq);
    return 'ok';
  }
}

const packet = fc.record({
  from: fc.constantFrom('alpha', 'beta'),
  generation: fc.integer({ min: 1, max: 3 }),
  seq: fc.integer({ min: 0, max: 120 }),
  link: fc.constantFrom('eth0', 'eth1'),
});

describe('ReplayWindow properties', () => {
  test.prop([fc.integer({ min: 1, max: 40 }), fc.array(packet, { maxLength: 300 })], { numRuns: 500 })(
    'agrees with a remember-everything model on any arrival order',
    (size, arrivals) => {
      const real = new ReplayWindow({ windowSize: size });
      const model = new ModelWindow(size);
      for (const p of arrivals) {
        const r = real.admit(p.from, p.generation, p.seq, p.link);
        expect(r.ok ? 'ok' : r.error.code).toBe(model.admit(p.from, p.generation, p.seq, p.link));
      }
    },
  );

  test.prop([fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 400 })])('never admits the same (generation, seq, link) twice', (seqs) => {
    const w = new ReplayWindow();
    const admitted = new Set<number>();
    for (const seq of seqs) {
      if (w.admit('beta', 1, seq).ok) {
        expect(admitted.has(seq)).toBe(false);
        admitted.add(seq);
      }
    }
  });

  test.prop([fc.integer({ min: 0, max: 1e12 }), fc.shuffledSubarray([...Array(64).keys()], { minLength: 1 })])(
    'admits every seq of any reordering that stays inside the window',
    (base, offsets) => {
      const w = new ReplayWindow({ windowSize: 64 });
      for (const offset of offsets) expect(w.admit('beta', 1, base + offset).ok).toBe(true);
    },
  );

  test.prop([fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.nat({ max: 50 })), { minLength: 1, maxLength: 100 })])(
    'never admits a generation below the highest admitted one',
    (arrivals) => {
      const w = new ReplayWindow();
      let highest = -1;
      for (const [generation, seq] of arrivals) {
        const r = w.admit('beta', generation, seq);
        if (r.ok) {
          expect(generation).toBeGreaterThanOrEqual(highest);
          highest = generation;
        } else if (generation < highest) {
          expect(r.error.code).toBe('HB_WIRE_STALE_GENERATION');
        }
      }
    },
  );
});
