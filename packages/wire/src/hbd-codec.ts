// hbd's own wire format, version 2: a binary header, a compact-JSON payload, and an
// authentication trailer over everything before it. Byte layout (big-endian):
//
//   0   3  magic "HBD"
//   3   1  protocol version (2)
//   4   1  authkeys index of the signing key (0..15)
//   5   2  message type code (MESSAGE_TYPE_CODES, append-only)
//   7   8  generation (unsigned, ≤ 2^53-1)
//  15   8  sequence number (unsigned, ≤ 2^53-1)
//  23 1+n  cluster name      (u8 length, UTF-8)
//     1+n  sender node name  (u8 length, UTF-8)
//     1+n  config digest     (u8 length, UTF-8)
//     2+n  payload           (u16 length, UTF-8 JSON object: the message without `type`)
//       k  signature over bytes [0, here): sha1 20, md5 16, crc 4 — k comes from the
//          receiver's own authkeys entry for the index, never from the packet
//
// Why JSON for the payload: every kind appended to the core's union travels without a codec
// change, and `tcpdump -A` shows a sysadmin what nodes tell each other, as Heartbeat's text
// packets did. The header is binary so the checks that drop most junk (magic, version,
// cluster, key) never parse JSON. docs/reference/wire-protocol.md is the full specification.
//
// Version 2 (vs 1): payloads name resource groups by their haresources position, not by key,
// and a heartbeat's claims are one compact string (group-table.ts). That lifted the group limit
// from 11–14 to 64+; a version-1 packet is refused as HB_WIRE_UNSUPPORTED_VERSION.

import { MESSAGE_TYPE_CODES, type ClusterMessage } from '@hbd/core';
import { constantTimeEqual, createKeyring, type AuthKeyring, type Hmac, type Keyring } from './auth';
import { fail, ok, type WireResult } from './errors';
import { createGroupTable, type GroupTable } from './group-table';
import { payloadProblem } from './message-schema';
import { MAX_PACKET_BYTES, type DecodedPacket, type OutgoingPacket, type PacketCodec } from './packet-codec';
import { utf8Decode, utf8Encode } from './utf8';

export const PROTOCOL_VERSION = 2;
export const MAGIC: readonly number[] = [0x48, 0x42, 0x44]; // "HBD"
/** Bytes before the first length-prefixed field. */
export const FIXED_HEADER_BYTES = 23;

const MAX_SHORT_FIELD_BYTES = 255;
const TWO_POW_32 = 0x1_0000_0000;

/** The parts of ClusterConfig the codec needs (structural: a ClusterConfig is a WireConfig). */
export interface WireConfig {
  readonly clusterName: string;
  readonly nodes: readonly string[];
  readonly digest: string;
  readonly auth: AuthKeyring;
  /** haresources lines in order: payloads name a group by its position here (hbd/2). */
  readonly groups: readonly { readonly id: string }[];
}

/** The payload field carrying the sender's group-table digest (group-table.ts). */
const TABLE_FIELD = 'haresources';
type Payload = Record<string, unknown>;
type Translation = { readonly ok: true; readonly value: Payload } | { readonly ok: false; readonly code: 'HB_WIRE_MALFORMED' | 'HB_WIRE_GROUPS_MISMATCH' | 'HB_WIRE_INVALID_MESSAGE'; readonly problem: string };

/** Which payload fields name groups, by message type: they travel as numbers (hbd/2). */
function groupFields(type: string, payload: Payload): 'claims' | 'groups' | 'unclean' | null {
  if (type === 'heartbeat') return 'claims';
  if (type === 'groupRequest' || type === 'groupReleased') return 'groups';
  if (type === 'leaving' && payload.unclean !== undefined) return 'unclean';
  return null;
}

/**
 * A checked payload → its wire form: group keys replaced by numbers (or kept, `byName`, while a
 * peer runs another haresources), plus the sender's table digest either way.
 */
function toWire(table: GroupTable, type: string, payload: Payload, byName: boolean): Translation {
  if (Object.prototype.hasOwnProperty.call(payload, TABLE_FIELD)) {
    return { ok: false, code: 'HB_WIRE_INVALID_MESSAGE', problem: `the payload field "${TABLE_FIELD}" is reserved by the wire format` };
  }
  const field = groupFields(type, payload);
  if (field === null) return { ok: true, value: payload };
  const translated =
    field === 'claims' ? table.claimsToText(payload.claims as never) : table.namesToIndexes(payload[field] as readonly string[], field);
  if (!translated.ok) return { ok: false, code: 'HB_WIRE_INVALID_MESSAGE', problem: translated.problem };
  return { ok: true, value: { ...payload, ...(byName ? {} : { [field]: translated.value }), [TABLE_FIELD]: table.digest } };
}

/** True when a group field travels by key (hbd/1-style objects and strings), not by number. */
function byKey(field: 'claims' | 'groups' | 'unclean', value: unknown): boolean {
  if (field === 'claims') return Array.isArray(value);
  return Array.isArray(value) && !value.some((v) => typeof v === 'number');
}

/** A parsed wire payload → the core's form; the result still goes through payloadProblem. */
function fromWire(table: GroupTable, type: string, payload: Payload, from: string): Translation {
  const field = groupFields(type, payload);
  const digest = payload[TABLE_FIELD];
  if (field === null) {
    if (digest === undefined) return { ok: true, value: payload };
    return { ok: false, code: 'HB_WIRE_MALFORMED', problem: `a ${type} payload carries "${TABLE_FIELD}" but names no groups` };
  }
  if (typeof digest !== 'string') return { ok: false, code: 'HB_WIRE_MALFORMED', problem: `a ${type} payload must carry its "${TABLE_FIELD}" digest (a string)` };
  const { [TABLE_FIELD]: _digest, ...rest } = payload;
  // By key: readable whatever the sender's table; payloadProblem checks the shape.
  if (byKey(field, payload[field])) return { ok: true, value: rest };
  // A heartbeat numbered by another haresources still proves the sender alive: dropping it would
  // get it declared dead (and its groups started twice). The engine keeps its claims as they were
  // and starts nothing until the lists match (HeartbeatMessage.claimsUnreadable).
  if (digest !== table.digest && type === 'heartbeat') return { ok: true, value: { ...rest, claims: [], claimsUnreadable: true } };
  if (digest !== table.digest) {
    return {
      ok: false,
      code: 'HB_WIRE_GROUPS_MISMATCH',
      problem:
        `${from} numbers its resource groups by another haresources (groups digest ${JSON.stringify(digest.slice(0, 32))}, ours ${JSON.stringify(table.digest)}; ` +
        'the part before ":" is the number of groups): this packet cannot be read, and until the lists match this node names groups by key, ' +
        'which fits only for small configurations; haresources must list the same groups in the same order on every node',
    };
  }
  const translated = field === 'claims' ? table.textToClaims(payload.claims) : table.indexesToNames(payload[field], field);
  if (!translated.ok) return { ok: false, code: 'HB_WIRE_MALFORMED', problem: `${type}: ${translated.problem}` };
  return { ok: true, value: { ...rest, [field]: translated.value } };
}

export interface CreateCodecOptions {
  readonly config: WireConfig;
  /** Required when any authkeys entry is sha1 or md5. Self-tested against RFC 2202 at creation. */
  readonly hmac?: Hmac;
  /** The type-code table; defaults to @hbd/core's MESSAGE_TYPE_CODES (tests pass extended tables). */
  readonly messageTypeCodes?: Readonly<Record<string, number>>;
}

export interface HbdCodec extends PacketCodec {
  /** Encoded size in bytes, ignoring the size limit (for capacity planning and diagnostics). */
  measure(packet: OutgoingPacket): WireResult<number>;
  /**
   * Peers whose last authenticated packet numbered groups by another haresources, with their
   * group-table digest. While any is listed, group-naming messages travel by key when they fit.
   */
  otherGroupTables(): ReadonlyMap<string, string>;
}

interface Frame {
  readonly keyIndex: number;
  readonly typeCode: number;
  readonly generation: number;
  readonly seq: number;
  readonly cluster: Uint8Array;
  readonly from: Uint8Array;
  readonly digest: Uint8Array;
  readonly payload: Uint8Array;
}

function frameBytes(frame: Frame, signatureBytes: number): number {
  return FIXED_HEADER_BYTES + 1 + frame.cluster.length + 1 + frame.from.length + 1 + frame.digest.length + 2 + frame.payload.length + signatureBytes;
}

/** Lays out a frame and signs it. Exported for tests that need correctly signed junk. */
export function writeFrame(frame: Frame, sign: (data: Uint8Array) => Uint8Array, signatureBytes: number): Uint8Array {
  const out = new Uint8Array(frameBytes(frame, signatureBytes));
  out.set(MAGIC, 0);
  out[3] = PROTOCOL_VERSION;
  out[4] = frame.keyIndex;
  out[5] = frame.typeCode >>> 8;
  out[6] = frame.typeCode & 0xff;
  writeU64(out, 7, frame.generation);
  writeU64(out, 15, frame.seq);
  let pos = FIXED_HEADER_BYTES;
  for (const field of [frame.cluster, frame.from, frame.digest]) {
    out[pos] = field.length;
    out.set(field, pos + 1);
    pos += 1 + field.length;
  }
  out[pos] = frame.payload.length >>> 8;
  out[pos + 1] = frame.payload.length & 0xff;
  out.set(frame.payload, pos + 2);
  pos += 2 + frame.payload.length;
  const signature = sign(out.subarray(0, pos));
  if (signature.length !== signatureBytes) throw new Error(`signature is ${signature.length} bytes, expected ${signatureBytes}`);
  out.set(signature, pos);
  return out;
}

function writeU64(out: Uint8Array, at: number, value: number): void {
  const hi = Math.floor(value / TWO_POW_32);
  const lo = value % TWO_POW_32;
  for (let i = 0; i < 4; i++) {
    out[at + i] = (hi >>> (24 - 8 * i)) & 0xff;
    out[at + 4 + i] = (lo >>> (24 - 8 * i)) & 0xff;
  }
}

/** A u64 as a number, or -1 when it exceeds 2^53-1 (no such value is ever sent). */
function readU64(bytes: Uint8Array, at: number): number {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 4; i++) {
    hi = hi * 256 + bytes[at + i]!;
    lo = lo * 256 + bytes[at + 4 + i]!;
  }
  return hi > 0x1f_ffff ? -1 : hi * TWO_POW_32 + lo;
}

/** A name from an unauthenticated packet, made safe for one log line. */
function quoted(bytes: Uint8Array): string {
  const text = utf8Decode(bytes);
  if (text === null) return `<${bytes.length} bytes, not UTF-8>`;
  const shown = text.length > 64 ? `${text.slice(0, 64)}…` : text;
  return JSON.stringify(shown);
}

function startsWith(bytes: Uint8Array, text: string): boolean {
  if (bytes.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

function badMagicMessage(bytes: Uint8Array): string {
  // A migration's most likely stray traffic: a Heartbeat 3 daemon still running on the same port.
  if (startsWith(bytes, '###\n') || startsWith(bytes, '>>>\n')) {
    return `a Heartbeat 3 packet (${bytes.length} bytes), not hbd's format: is an old heartbeat daemon still running on this port?`;
  }
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `not an hbd packet (${bytes.length} bytes, starting ${head})`;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkTypeCodes(codes: Readonly<Record<string, number>>): Map<number, string> {
  const names = new Map<number, string>();
  for (const [type, code] of Object.entries(codes)) {
    if (!Number.isInteger(code) || code < 1 || code > 0xffff) throw new Error(`message type ${type} has code ${code}, outside 1..65535`);
    const other = names.get(code);
    if (other !== undefined) throw new Error(`message types ${other} and ${type} share code ${code}`);
    names.set(code, type);
  }
  return names;
}

function configBytes(value: string, what: string): Uint8Array {
  const bytes = utf8Encode(value);
  if (bytes === null || bytes.length > MAX_SHORT_FIELD_BYTES) throw new Error(`${what} must be valid text of at most ${MAX_SHORT_FIELD_BYTES} UTF-8 bytes`);
  return bytes;
}

/**
 * The hbd/2 codec for one cluster configuration. Throws only on programmer/config errors
 * (see createKeyring; a group listed twice); encode and decode never throw.
 */
export function createCodec(options: CreateCodecOptions): HbdCodec {
  const { config } = options;
  const keyring: Keyring = createKeyring(config.auth, options.hmac);
  const codes: Readonly<Record<string, number>> = options.messageTypeCodes ?? MESSAGE_TYPE_CODES;
  const typeNames = checkTypeCodes(codes);
  const cluster = configBytes(config.clusterName, 'the cluster name');
  const digest = configBytes(config.digest, 'the config digest');
  const nodes = new Set(config.nodes);
  const table = createGroupTable(config.groups.map((g) => g.id));
  // Peers whose last authenticated packet carried another group-table digest (a rolling
  // haresources change): while there is one, group-naming messages go by key when they fit,
  // so both sides keep reading each other's claims. Bounded by the configured nodes.
  const otherTables = new Map<string, string>();
  const configuredIndexes = config.auth.keys.map((k) => k.index).join(', ');

  function frame(packet: OutgoingPacket, byName: boolean): WireResult<Frame> {
    const message: unknown = packet.message;
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(codes, type)) {
      return fail('HB_WIRE_UNKNOWN_TYPE', `cannot encode message type ${JSON.stringify(type) ?? String(type)}: it has no code in MESSAGE_TYPE_CODES`);
    }
    const from = typeof packet.from === 'string' ? utf8Encode(packet.from) : null;
    if (from === null || from.length === 0 || from.length > MAX_SHORT_FIELD_BYTES) {
      return fail('HB_WIRE_INVALID_MESSAGE', `cannot encode sender ${JSON.stringify(packet.from)}: a node name must be 1..${MAX_SHORT_FIELD_BYTES} bytes of valid text`);
    }
    for (const [field, value] of [['generation', packet.generation], ['seq', packet.seq]] as const) {
      if (!Number.isSafeInteger(value) || value < 0) return fail('HB_WIRE_INVALID_MESSAGE', `cannot encode ${field} ${value}: it must be an integer in 0..2^53-1`);
    }
    const { type: _type, ...payload } = message as ClusterMessage;
    const problem = payloadProblem(type, payload);
    if (problem !== null) return fail('HB_WIRE_INVALID_MESSAGE', `cannot encode ${type} message: ${problem}`);
    const wire = toWire(table, type, payload, byName);
    if (!wire.ok) return fail(wire.code, `cannot encode ${type} message: ${wire.problem}`);
    const json = utf8Encode(JSON.stringify(wire.value));
    if (json === null) return fail('HB_WIRE_INVALID_MESSAGE', `cannot encode ${type} message: not valid text`);
    return ok({
      keyIndex: keyring.active.index,
      typeCode: codes[type]!,
      generation: packet.generation,
      seq: packet.seq,
      cluster,
      from,
      digest,
      payload: json,
    });
  }

  /** By number; by key instead while a peer has another table and the keyed form fits. */
  function chooseFrame(packet: OutgoingPacket): WireResult<Frame> {
    if (otherTables.size > 0) {
      const keyed = frame(packet, true);
      if (!keyed.ok || frameBytes(keyed.value, keyring.active.signatureBytes) <= MAX_PACKET_BYTES) return keyed;
    }
    return frame(packet, false);
  }

  function measure(packet: OutgoingPacket): WireResult<number> {
    try {
      const framed = chooseFrame(packet);
      return framed.ok ? ok(frameBytes(framed.value, keyring.active.signatureBytes)) : framed;
    } catch (error) {
      return fail('HB_WIRE_INVALID_MESSAGE', `cannot encode message: ${String(error)}`);
    }
  }

  function encode(packet: OutgoingPacket): WireResult<Uint8Array> {
    try {
      const framed = chooseFrame(packet);
      if (!framed.ok) return framed;
      const size = frameBytes(framed.value, keyring.active.signatureBytes);
      if (size > MAX_PACKET_BYTES) {
        return fail(
          'HB_WIRE_TOO_LARGE',
          `a ${packet.message.type} message would encode to ${size} bytes (payload ${framed.value.payload.length}), ` +
            `over the ${MAX_PACKET_BYTES}-byte packet limit`,
        );
      }
      return ok(writeFrame(framed.value, keyring.active.sign, keyring.active.signatureBytes));
    } catch (error) {
      // Only a misbehaving injected HMAC can get here; report, never crash the sender.
      return fail('HB_WIRE_INVALID_MESSAGE', `cannot encode message: ${String(error)}`);
    }
  }

  function recognizes(bytes: Uint8Array): boolean {
    return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
  }

  function decodeChecked(bytes: Uint8Array): WireResult<DecodedPacket> {
    const size = bytes.length;
    for (let i = 0; i < MAGIC.length && i < size; i++) {
      if (bytes[i] !== MAGIC[i]) return fail('HB_WIRE_BAD_MAGIC', badMagicMessage(bytes));
    }
    if (size <= MAGIC.length) return fail('HB_WIRE_TRUNCATED', `packet of ${size} bytes ends inside the header`);
    if (bytes[3] !== PROTOCOL_VERSION) {
      return fail('HB_WIRE_UNSUPPORTED_VERSION', `packet speaks hbd wire protocol version ${bytes[3]}, this node speaks version ${PROTOCOL_VERSION}: run the same hbd release on every node`);
    }
    if (size > MAX_PACKET_BYTES) return fail('HB_WIRE_TOO_LARGE', `packet of ${size} bytes exceeds the ${MAX_PACKET_BYTES}-byte limit`);
    if (size < FIXED_HEADER_BYTES) return fail('HB_WIRE_TRUNCATED', `packet of ${size} bytes is shorter than the ${FIXED_HEADER_BYTES}-byte fixed header`);

    const keyIndex = bytes[4]!;
    const typeCode = (bytes[5]! << 8) | bytes[6]!;
    const generation = readU64(bytes, 7);
    const seq = readU64(bytes, 15);

    let pos = FIXED_HEADER_BYTES;
    const shortField = (): Uint8Array | null => {
      if (pos >= size) return null;
      const end = pos + 1 + bytes[pos]!;
      if (end > size) return null;
      const field = bytes.subarray(pos + 1, end);
      pos = end;
      return field;
    };
    const clusterField = shortField();
    if (clusterField === null) return fail('HB_WIRE_TRUNCATED', `packet of ${size} bytes ends inside the cluster name`);
    if (!bytesEqual(clusterField, cluster)) {
      return fail('HB_WIRE_FOREIGN_CLUSTER', `packet for cluster ${quoted(clusterField)}, this node is in cluster ${JSON.stringify(config.clusterName)}`);
    }
    const fromField = shortField();
    if (fromField === null) return fail('HB_WIRE_TRUNCATED', `packet of ${size} bytes ends inside the sender name`);
    const sender = `packet claiming to be from ${quoted(fromField)}`;
    const digestField = shortField();
    if (digestField === null || pos + 2 > size) return fail('HB_WIRE_TRUNCATED', `${sender} (${size} bytes) ends inside the header`);
    const payloadStart = pos + 2;
    const payloadEnd = payloadStart + ((bytes[pos]! << 8) | bytes[pos + 1]!);
    if (payloadEnd > size) return fail('HB_WIRE_TRUNCATED', `${sender} (${size} bytes) ends inside its ${payloadEnd - payloadStart}-byte payload`);

    const key = keyring.byIndex(keyIndex);
    if (key === undefined) {
      return fail('HB_WIRE_UNKNOWN_KEY', `${sender} is signed with authkeys key ${keyIndex}, which is not configured here (configured: ${configuredIndexes})`);
    }
    const signatureEnd = payloadEnd + key.signatureBytes;
    if (size < signatureEnd) return fail('HB_WIRE_TRUNCATED', `${sender} (${size} bytes) ends inside its ${key.method} signature`);
    if (size > signatureEnd) return fail('HB_WIRE_MALFORMED', `${sender} has ${size - signatureEnd} bytes after its signature`);
    if (!constantTimeEqual(key.sign(bytes.subarray(0, payloadEnd)), bytes.subarray(payloadEnd))) {
      const what = key.method === 'crc' ? 'its crc checksum does not match (corrupted)' : `${key.method} authentication with key ${keyIndex} failed (another key, or tampered)`;
      return fail('HB_WIRE_BAD_SIGNATURE', `${sender}: ${what}`);
    }

    // Authenticated from here on: the sender holds one of our keys.
    const from = utf8Decode(fromField);
    if (from === null || from.length === 0) return fail('HB_WIRE_MALFORMED', `${sender}: the sender name is not valid text`);
    if (!nodes.has(from)) {
      return fail('HB_WIRE_UNKNOWN_NODE', `authenticated packet from ${JSON.stringify(from)}, which is not a node of this cluster (nodes: ${config.nodes.join(', ')})`);
    }
    if (generation < 0 || seq < 0) return fail('HB_WIRE_MALFORMED', `packet from ${from}: generation or sequence number above 2^53-1`);
    const type = typeNames.get(typeCode);
    if (type === undefined) {
      return fail('HB_WIRE_UNKNOWN_TYPE', `packet from ${from} carries message type code ${typeCode}, unknown to this node (is ${from} running a newer hbd?)`);
    }
    const configDigest = utf8Decode(digestField);
    if (configDigest === null) return fail('HB_WIRE_MALFORMED', `packet from ${from}: the config digest is not valid text`);
    const text = utf8Decode(bytes, payloadStart, payloadEnd);
    if (text === null) return fail('HB_WIRE_MALFORMED', `${type} packet from ${from}: the payload is not valid UTF-8`);
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return fail('HB_WIRE_MALFORMED', `${type} packet from ${from}: the payload is not valid JSON`);
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return fail('HB_WIRE_MALFORMED', `packet from ${from}: a ${type} payload must be a JSON object`);
    const theirTable: unknown = (payload as Payload)[TABLE_FIELD];
    if (typeof theirTable === 'string') {
      if (theirTable === table.digest) otherTables.delete(from);
      else otherTables.set(from, theirTable.slice(0, 32));
    }
    const core = fromWire(table, type, payload as Payload, from);
    if (!core.ok) return fail(core.code, `${type} packet from ${from}: ${core.problem}`);
    const problem = payloadProblem(type, core.value);
    if (problem !== null) return fail('HB_WIRE_MALFORMED', `packet from ${from}: ${problem}`);
    const message = { type, ...core.value } as ClusterMessage;
    return ok({ from, generation, seq, message, configDigest, keyIndex, protocolVersion: PROTOCOL_VERSION, sizeBytes: size });
  }

  function decode(bytes: Uint8Array): WireResult<DecodedPacket> {
    try {
      return decodeChecked(bytes);
    } catch (error) {
      // Unreachable by design (property-tested); a last guard so a bad packet never crashes hbd.
      return fail('HB_WIRE_MALFORMED', `internal decoder error on a ${bytes?.length ?? '?'}-byte packet: ${String(error)}`);
    }
  }

  return { name: `hbd/${PROTOCOL_VERSION}`, recognizes, encode, decode, measure, otherGroupTables: () => new Map(otherTables) };
}
