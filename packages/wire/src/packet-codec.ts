// The codec seam. The daemon talks to one PacketCodec; hbd's own format (hbd-codec.ts) is the
// only implementation today. A codec for Heartbeat 3.0.6's netstring format (reference §4)
// would be a second implementation of the same interface, chosen per packet by `recognizes`
// (our magic "HBD" vs Heartbeat's "###\n" / ">>>\n"), without touching the core. See
// docs/reference/wire-protocol.md, "A second codec".

import type { ClusterMessage, NodeName } from '@hbd/core';
import type { WireResult } from './errors';

/** Largest datagram hbd sends or accepts: unfragmented on any Ethernet path (memberlist's UDPBufferSize). */
export const MAX_PACKET_BYTES = 1400;

/** What the sender stamps on a message. */
export interface OutgoingPacket {
  readonly from: NodeName;
  /** The sender's generation (restart counter), persisted before its first use. */
  readonly generation: number;
  /** Per-sender, per-generation sequence number from a Sequencer (1, 2, 3, …). */
  readonly seq: number;
  readonly message: ClusterMessage;
}

/** An authenticated packet from a configured node, ready for the replay window and the core. */
export interface DecodedPacket extends OutgoingPacket {
  /** The sender's ClusterConfig.digest; null when the wire format carries none (Heartbeat's). */
  readonly configDigest: string | null;
  /** authkeys index the sender signed with (useful in logs during a key rotation). */
  readonly keyIndex: number;
  readonly protocolVersion: number;
  readonly sizeBytes: number;
}

export interface PacketCodec {
  /** For logs: "hbd/1". */
  readonly name: string;
  /** Cheap sniff of the first bytes: is this packet in this codec's format at all? */
  recognizes(bytes: Uint8Array): boolean;
  /** Never throws: an unencodable packet is HB_WIRE_INVALID_MESSAGE / _UNKNOWN_TYPE / _TOO_LARGE. */
  encode(packet: OutgoingPacket): WireResult<Uint8Array>;
  /** Never throws, whatever the bytes: every failure is a typed HB_WIRE_* error. */
  decode(bytes: Uint8Array): WireResult<DecodedPacket>;
}
