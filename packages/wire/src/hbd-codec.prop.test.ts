// Properties of the hbd/2 codec: round trip over every message kind and auth method; decode
// never throws and only ever reports a documented code, on arbitrary bytes, on mutations of
// valid packets and on correctly signed junk; any single bit flip is rejected.

import { describe, expect } from '@jest/globals';
import { fc, test } from '@fast-check/jest';
import { MESSAGE_TYPE_CODES } from '@hbd/core';
import { createKeyring } from './auth';
import { isWireErrorCode, type WireResult } from './errors';
import { groupTableDigest } from './group-table';
import { createCodec, writeFrame } from './hbd-codec';
import { utf8Encode } from './utf8';
import { DIGEST, nodeHmac, packetArb, twoNodeConfig, withAuth } from '../test/fixtures';

const config = twoNodeConfig();
const codecs = {
  sha1: createCodec({ config: withAuth('sha1'), hmac: nodeHmac }),
  md5: createCodec({ config: withAuth('md5'), hmac: nodeHmac }),
  crc: createCodec({ config: withAuth('crc') }),
};
const methodArb = fc.constantFrom('sha1', 'md5', 'crc') as fc.Arbitrary<keyof typeof codecs>;
const packets = packetArb(config.nodes);

/** decode must return, never throw, and a failure must carry a documented code. */
function decodeSafely(method: keyof typeof codecs, bytes: Uint8Array): WireResult<unknown> {
  let result: WireResult<unknown> | undefined;
  expect(() => {
    result = codecs[method].decode(bytes);
  }).not.toThrow();
  if (!result!.ok) {
    expect(isWireErrorCode(result!.error.code)).toBe(true);
    expect(result!.error.message).not.toContain('internal decoder error');
    expect(result!.error.message).not.toContain('\n');
  }
  return result!;
}

describe('round trip', () => {
  test.prop([methodArb, packets], { numRuns: 1500 })('decode(encode(p)) ≅ p, or encode says TOO_LARGE with the measured size', (method, p) => {
    const codec = codecs[method];
    const bytes = codec.encode(p);
    if (!bytes.ok) {
      expect(bytes.error.code).toBe('HB_WIRE_TOO_LARGE');
      const size = codec.measure(p);
      expect(size.ok && size.value).toBeGreaterThan(1400);
      return;
    }
    expect(bytes.value.length).toBeLessThanOrEqual(1400);
    expect(codec.measure(p)).toEqual({ ok: true, value: bytes.value.length });
    const decoded = codec.decode(bytes.value);
    expect(decoded).toEqual({
      ok: true,
      value: { ...p, configDigest: DIGEST, keyIndex: 1, protocolVersion: 2, sizeBytes: bytes.value.length },
    });
  });

  test.prop([packets], { numRuns: 200 })('encoding is deterministic (resends of the same stamp are byte-identical)', (p) => {
    const a = codecs.sha1.encode(p);
    const b = codecs.sha1.encode(p);
    expect(a).toEqual(b);
  });
});

describe('decode never throws', () => {
  test.prop([methodArb, fc.uint8Array({ maxLength: 1600 })], { numRuns: 3000 })('on arbitrary bytes', (method, bytes) => {
    expect(decodeSafely(method, bytes).ok).toBe(false);
  });

  test.prop([methodArb, fc.uint8Array({ maxLength: 400 })], { numRuns: 3000 })('on arbitrary bytes behind our magic and version', (method, tail) => {
    expect(decodeSafely(method, Uint8Array.from([0x48, 0x42, 0x44, 0x02, ...tail])).ok).toBe(false);
  });

  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  );
  test.prop([methodArb, packets, fc.array(mutation, { minLength: 1, maxLength: 6 })], { numRuns: 2000 })(
    'on mutated valid packets (and never accepts a changed one)',
    (method, p, mutations) => {
      const original = codecs[method].encode(p);
      fc.pre(original.ok);
      if (!original.ok) return;
      const bytes = Array.from(original.value);
      for (const m of mutations) {
        const at = m.at % (bytes.length + 1);
        if (m.kind === 'set') bytes[Math.min(at, bytes.length - 1)] = m.value;
        else if (m.kind === 'delete') bytes.splice(at, m.count);
        else bytes.splice(at, 0, ...m.bytes);
      }
      const mutated = Uint8Array.from(bytes);
      const result = decodeSafely(method, mutated);
      if (result.ok) expect(Buffer.from(mutated).equals(Buffer.from(original.value))).toBe(true);
    },
  );

  // Junk that passes authentication: what a peer running buggy or newer code could send.
  const key = createKeyring(config.auth, nodeHmac).active;
  const jsonish = fc.oneof(
    packets.map((p) => utf8Encode(JSON.stringify({ ...p.message, type: undefined }))!),
    fc.json().map((text) => utf8Encode(text)!),
    fc.jsonValue().map((v) => utf8Encode(JSON.stringify({ status: 'up', pingReachable: 0, claims: v, msgId: v, groups: v, to: v, reason: v }))!),
    // hbd/2 group numbers and claim tokens, right digest, arbitrary contents
    fc
      .record({
        claims: fc.oneof(fc.stringMatching(/^[-a-zA-Z0-9! ]{0,24}$/), fc.array(fc.constantFrom('-', 'r1', 'S0', 'd9!', 'x1', 'R2!', '', 'u01'), { maxLength: 5 }).map((t) => t.join(' '))),
        groups: fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 4 }),
        unclean: fc.array(fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constant(1.5), fc.constant('0')), { maxLength: 3 }),
        haresources: fc.constantFrom(groupTableDigest(config.groups.map((g) => g.id)), '3:00000000', ''),
      })
      .map((w) => utf8Encode(JSON.stringify({ status: 'up', pingReachable: 0, msgId: 4, reason: 'takeover', to: 'master2', ...w }))!),
    fc.uint8Array({ maxLength: 200 }),
  );
  test.prop(
    [fc.constantFrom(...Object.values(MESSAGE_TYPE_CODES), 0, 77), fc.constantFrom('master1', 'master2', 'intruder'), jsonish],
    { numRuns: 3000 },
  )('on correctly signed junk payloads, and whatever it accepts passes the schema again', (typeCode, from, payload) => {
    const frame = writeFrame(
      { keyIndex: 1, typeCode, generation: 9, seq: 3, cluster: utf8Encode('linux-ha')!, from: utf8Encode(from)!, digest: utf8Encode(DIGEST)!, payload },
      key.sign,
      key.signatureBytes,
    );
    const result = decodeSafely('sha1', frame);
    if (result.ok) {
      const again = codecs.sha1.encode(result.value as Parameters<typeof codecs.sha1.encode>[0]);
      // A peer with another haresources may name, by key, groups this node does not have; this
      // node passes them on (its core ignores them) but would never send them itself.
      if (!again.ok) expect(again.error.message).toMatch(/names group .*, which is not a resource group in haresources$/);
    }
  });
});

describe('integrity', () => {
  test.prop([methodArb, packets, fc.nat(), fc.integer({ min: 0, max: 7 })], { numRuns: 3000 })(
    'any single bit flip is rejected (crc included: CRC-32 detects every single-bit error)',
    (method, p, position, bit) => {
      const original = codecs[method].encode(p);
      fc.pre(original.ok);
      if (!original.ok) return;
      const flipped = original.value.slice();
      const at = position % flipped.length;
      flipped[at] = flipped[at]! ^ (1 << bit);
      expect(decodeSafely(method, flipped).ok).toBe(false);
    },
  );

  test.prop([methodArb, packets], { numRuns: 25 })('every strict prefix of a valid packet is HB_WIRE_TRUNCATED', (method, p) => {
    const original = codecs[method].encode(p);
    fc.pre(original.ok);
    if (!original.ok) return;
    for (let n = 0; n < original.value.length; n++) {
      const r = decodeSafely(method, original.value.subarray(0, n));
      expect(!r.ok && r.error.code).toBe('HB_WIRE_TRUNCATED');
    }
  });
});
