// How a ClusterMessage crosses the simulated wire. Every packet is serialized by the sender and
// parsed by the receiver, so nodes never share an object. The real @hbd/wire codec plugs in
// behind the same interface (see wire-codec.ts); the JSON codec is the fallback.

import type { ClusterMessage, NodeName } from '@hbd/core';

export type Packet = Uint8Array | string;

export type Decoded =
  | { readonly ok: true; readonly from: NodeName; readonly generation: number; readonly message: ClusterMessage }
  | { readonly ok: false; readonly code: string; readonly reason: string };

export type Encoded = { readonly ok: true; readonly packet: Packet } | { readonly ok: false; readonly code: string; readonly reason: string };

/** One node's end of the wire: its own send sequence and its own replay window. Reset on restart. */
export interface CodecEndpoint {
  encode(message: ClusterMessage, generation: number): Encoded;
  /** `link` is the medium the packet arrived on (replay windows are per peer and link). */
  decode(packet: Packet, link: string): Decoded;
}

export interface SimCodec {
  readonly name: string;
  endpoint(node: NodeName): CodecEndpoint;
}

/** A stand-in for harness tests: JSON framing, the sender stamped in, no authentication, no replay window. */
export function jsonCodec(): SimCodec {
  return {
    name: 'json',
    endpoint(node: NodeName): CodecEndpoint {
      return {
        encode(message, generation) {
          return { ok: true, packet: JSON.stringify({ from: node, generation, message }) };
        },
        decode(packet) {
          if (typeof packet !== 'string') return { ok: false, code: 'HB_SIM_BINARY', reason: 'binary packet on the JSON codec' };
          const parsed = JSON.parse(packet) as { from: NodeName; generation: number; message: ClusterMessage };
          return { ok: true, from: parsed.from, generation: parsed.generation, message: parsed.message };
        },
      };
    },
  };
}
