// @hbd/wire: hbd's versioned, authenticated packet codec, replay window and drop accounting.
// Pure: no I/O, no clock, no randomness; the HMAC primitive is injected by the shell.
// Specification: docs/reference/wire-protocol.md.

export { WIRE_ERROR_CODES, isWireErrorCode, type WireError, type WireErrorCode, type WireResult } from './errors';
export { MAX_PACKET_BYTES, type DecodedPacket, type OutgoingPacket, type PacketCodec } from './packet-codec';
export { createCodec, PROTOCOL_VERSION, type CreateCodecOptions, type HbdCodec, type WireConfig } from './hbd-codec';
export { SIGNATURE_BYTES, constantTimeEqual, type AuthKeyring, type AuthMethod, type Hmac, type HmacMethod } from './auth';
export { crc32Posix } from './crc32';
export { ReplayWindow, DEFAULT_REPLAY_WINDOW, type Admission, type ReplayWindowOptions } from './replay-window';
export { Sequencer } from './sequencer';
export { DropCounters, DEFAULT_DROP_LOG_INTERVAL_MS, type DropRecord } from './drop-counters';
export { checkHeartbeatCapacity, worstCaseMessages, WORST_EPOCH, WORST_GENERATION, WORST_STATE_SEQ, type CapacityConfig, type HeartbeatCapacity } from './capacity';
export { groupTableDigest } from './group-table';
export { hasSchema } from './message-schema';
