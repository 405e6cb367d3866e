// Receiver-side replay protection, per peer (heartbeat-3-behaviour.md §4.6–4.7, with a
// sliding window instead of Heartbeat's retransmit bookkeeping):
//
// - generation: the highest seen per peer. Lower → HB_WIRE_STALE_GENERATION (an old packet
//   replayed, or a peer that lost its generation file: Heartbeat defect D3, see the doc).
//   Higher → the peer restarted: its sequence windows start afresh.
// - sequence: within a generation, a window of the last `windowSize` sequence numbers per
//   link. A seq already seen, or older than the window, → HB_WIRE_REPLAY. Reordering inside
//   the window is accepted.
//
// Windows are per (peer, link) because hbd, like Heartbeat, sends every packet on every link:
// the copy arriving on the second link is not a replay, it is how the core learns that link is
// alive. Memory is bounded by configured nodes × configured links (the codec rejects senders
// that are not configured nodes; links are the daemon's media).
//
// Call `admit` only for authenticated packets (after codec.decode): it records what it admits.

import { fail, ok, type WireResult } from './errors';

export const DEFAULT_REPLAY_WINDOW = 64;
const MAX_REPLAY_WINDOW = 4096;

export interface Admission {
  /** The peer's generation before this packet; null for the first packet heard from it. */
  readonly previousGeneration: number | null;
  /** True when this packet raised the peer's generation (it restarted). */
  readonly peerRestarted: boolean;
}

class SeqWindow {
  private highest = -1;
  private readonly seen: Uint8Array;

  constructor(private readonly size: number) {
    this.seen = new Uint8Array(size);
  }

  /** 'fresh' (now recorded), 'duplicate' or 'tooOld'. */
  admit(seq: number): 'fresh' | 'duplicate' | 'tooOld' {
    if (seq > this.highest) {
      // Slots of the seqs we skip over are reused: clear what they held from the last lap.
      const advance = this.highest < 0 ? this.size : seq - this.highest;
      if (advance >= this.size) this.seen.fill(0);
      else for (let s = this.highest + 1; s < seq; s++) this.seen[s % this.size] = 0;
      this.seen[seq % this.size] = 1;
      this.highest = seq;
      return 'fresh';
    }
    if (this.highest - seq >= this.size) return 'tooOld';
    if (this.seen[seq % this.size] === 1) return 'duplicate';
    this.seen[seq % this.size] = 1;
    return 'fresh';
  }

  get highestSeq(): number {
    return this.highest;
  }
}

interface PeerState {
  generation: number;
  readonly links: Map<string, SeqWindow>;
}

export interface ReplayWindowOptions {
  /** How many recent sequence numbers are remembered per (peer, link); default 64. */
  readonly windowSize?: number;
}

export class ReplayWindow {
  private readonly peers = new Map<string, PeerState>();
  readonly windowSize: number;

  constructor(options: ReplayWindowOptions = {}) {
    const size = options.windowSize ?? DEFAULT_REPLAY_WINDOW;
    if (!Number.isInteger(size) || size < 1 || size > MAX_REPLAY_WINDOW) throw new Error(`replay window size ${size} is outside 1..${MAX_REPLAY_WINDOW}`);
    this.windowSize = size;
  }

  /**
   * Admits an authenticated packet (and records it) or rejects it as stale or replayed.
   * `link` names the medium it arrived on; use one name per medium, '' when there is one.
   */
  admit(from: string, generation: number, seq: number, link = ''): WireResult<Admission> {
    const known = this.peers.get(from);
    const where = link === '' ? '' : ` on ${link}`;
    if (known !== undefined && generation < known.generation) {
      return fail(
        'HB_WIRE_STALE_GENERATION',
        `packet from ${from}${where} has generation ${generation}, older than ${known.generation} already heard: ` +
          `a replayed packet, or ${from} lost its generation file`,
      );
    }
    let peer = known;
    const previousGeneration = known === undefined ? null : known.generation;
    const peerRestarted = known !== undefined && generation > known.generation;
    if (peer === undefined || peerRestarted) {
      peer = { generation, links: new Map() };
      this.peers.set(from, peer);
    }
    let window = peer.links.get(link);
    if (window === undefined) {
      window = new SeqWindow(this.windowSize);
      peer.links.set(link, window);
    }
    const verdict = window.admit(seq);
    if (verdict === 'duplicate') {
      return fail('HB_WIRE_REPLAY', `duplicate packet from ${from}${where}: generation ${generation} seq ${seq} was already received`);
    }
    if (verdict === 'tooOld') {
      return fail(
        'HB_WIRE_REPLAY',
        `packet from ${from}${where} with seq ${seq} is too old: ${window.highestSeq - seq} behind seq ${window.highestSeq} (window ${this.windowSize})`,
      );
    }
    return ok({ previousGeneration, peerRestarted });
  }

  /** The highest generation heard from `from`, if any. */
  generationOf(from: string): number | undefined {
    return this.peers.get(from)?.generation;
  }

  /**
   * Forgets everything about `from`, so its next packet is admitted whatever its generation.
   * For an operator who knows the peer lost its generation file (D3); never call it on a timer:
   * that would reopen the door to replays of old packets.
   */
  forget(from: string): void {
    this.peers.delete(from);
  }
}
