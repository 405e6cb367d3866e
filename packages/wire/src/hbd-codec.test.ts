import { describe, expect, test } from '@jest/globals';
import { MESSAGE_TYPE_CODES, type ClusterMessage, type HeartbeatMessage } from '@hbd/core';
import { createKeyring } from './auth';
import type { WireErrorCode, WireResult } from './errors';
import { groupTableDigest } from './group-table';
import { createCodec, FIXED_HEADER_BYTES, writeFrame, type HbdCodec } from './hbd-codec';
import { MAX_PACKET_BYTES, type OutgoingPacket } from './packet-codec';
import { utf8Encode } from './utf8';
import { DIGEST, nodeHmac, twoNodeConfig, withAuth } from '../test/fixtures';

const heartbeat: HeartbeatMessage = {
  type: 'heartbeat',
  status: 'active',
  pingReachable: 1,
  claims: [{ group: '192.168.42.14', state: 'started', epoch: 3 }],
};
const packet: OutgoingPacket = { from: 'master1', generation: 1_700_000_001, seq: 12, message: heartbeat };
const codec = createCodec({ config: twoNodeConfig(), hmac: nodeHmac });
/** The tutorial haresources' group digest, as every group-naming payload carries it. */
const TABLE = groupTableDigest(twoNodeConfig().groups.map((g) => g.id));
/** A heartbeat payload as hbd/2 sends it, with `extra` JSON spliced in after the claims. */
const wireHeartbeat = (extra = '', claims = '"- - -"') => Buffer.from(`{"status":"up","pingReachable":0,"claims":${claims},"haresources":"${TABLE}"${extra}}`);

function encoded(p: OutgoingPacket = packet, c: HbdCodec = codec): Uint8Array {
  const r = c.encode(p);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function errorOf<T>(r: WireResult<T>): { code: WireErrorCode; message: string } {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error;
}

/** A frame with our header and any payload bytes, correctly signed with our key 1. */
function signedFrame(payload: Uint8Array, overrides: { typeCode?: number; from?: string | Uint8Array; generation?: number } = {}): Uint8Array {
  const key = createKeyring(twoNodeConfig().auth, nodeHmac).active;
  return writeFrame(
    {
      keyIndex: 1,
      typeCode: overrides.typeCode ?? MESSAGE_TYPE_CODES.heartbeat,
      generation: overrides.generation ?? 5,
      seq: 1,
      cluster: utf8Encode('linux-ha')!,
      from: typeof overrides.from === 'object' ? overrides.from : utf8Encode(overrides.from ?? 'master1')!,
      digest: utf8Encode(DIGEST)!,
      payload,
    },
    key.sign,
    key.signatureBytes,
  );
}

describe('encode → decode', () => {
  test('gives back the packet, the sender config digest and how it was signed', () => {
    const bytes = encoded();
    const decoded = codec.decode(bytes);
    expect(decoded).toEqual({
      ok: true,
      value: { ...packet, configDigest: DIGEST, keyIndex: 1, protocolVersion: 2, sizeBytes: bytes.length },
    });
  });

  test('carries magic, version, key index and type code at fixed offsets', () => {
    const bytes = encoded();
    expect(Buffer.from(bytes.subarray(0, 3)).toString('latin1')).toBe('HBD');
    expect(bytes[3]).toBe(2);
    expect(bytes[4]).toBe(1);
    expect((bytes[5]! << 8) | bytes[6]!).toBe(MESSAGE_TYPE_CODES.heartbeat);
  });

  test('the payload is readable JSON in a packet capture (tcpdump -A)', () => {
    expect(Buffer.from(encoded()).toString('latin1')).toContain(`{"status":"active","pingReachable":1,"claims":"r3 - -","haresources":"${TABLE}"}`);
  });

  test('decodes from a Buffer slice with a non-zero byteOffset, as dgram hands it over', () => {
    const bytes = encoded();
    const pool = Buffer.alloc(bytes.length + 50, 0x55);
    pool.set(bytes, 17);
    expect(codec.decode(pool.subarray(17, 17 + bytes.length)).ok).toBe(true);
  });

  test('recognizes its own packets and nothing else', () => {
    expect(codec.recognizes(encoded())).toBe(true);
    expect(codec.recognizes(Buffer.from('###\n11:(0)t=status,'))).toBe(false);
    expect(codec.recognizes(Buffer.from('HB'))).toBe(false);
    expect(codec.name).toBe('hbd/2');
  });

  test('a JSON "__proto__" key from a peer stays an ordinary field (no prototype pollution)', () => {
    const r = codec.decode(signedFrame(wireHeartbeat(',"__proto__":{"polluted":true}')));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.getPrototypeOf(r.value.message)).toBe(Object.prototype);
    expect((r.value.message as unknown as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  test('fields a schema does not know are passed through (an optional field added by the core)', () => {
    const r = codec.decode(signedFrame(wireHeartbeat(',"stableSinceMs":1200')));
    expect(r.ok && (r.value.message as unknown as { stableSinceMs: number }).stableSinceMs).toBe(1200);
  });
});

describe('message kinds appended to MESSAGE_TYPE_CODES keep working', () => {
  const extended = { ...MESSAGE_TYPE_CODES, configMismatch: 99 };
  const newer = createCodec({ config: twoNodeConfig(), hmac: nodeHmac, messageTypeCodes: extended });
  const future = { type: 'configMismatch', theirs: 'abc', details: [1, 'two', null, { nested: true }] } as unknown as ClusterMessage;

  test('a new kind round-trips without a codec change (generic JSON checking)', () => {
    const r = newer.decode(encoded({ ...packet, message: future }, newer));
    expect(r.ok && r.value.message).toEqual(future);
  });

  test('an older node drops it as HB_WIRE_UNKNOWN_TYPE instead of misreading it', () => {
    const e = errorOf(codec.decode(encoded({ ...packet, message: future }, newer)));
    expect(e.code).toBe('HB_WIRE_UNKNOWN_TYPE');
    expect(e.message).toContain('code 99');
    expect(e.message).toContain('master1');
  });

  test('a table that reuses a code is refused at creation', () => {
    expect(() => createCodec({ config: twoNodeConfig(), hmac: nodeHmac, messageTypeCodes: { ...MESSAGE_TYPE_CODES, dup: 1 } })).toThrow(/share code 1/);
    expect(() => createCodec({ config: twoNodeConfig(), hmac: nodeHmac, messageTypeCodes: { zero: 0 } })).toThrow(/outside 1\.\.65535/);
  });
});

describe('authentication: authkeys as a keyring', () => {
  const rotating = (activeIndex: number) =>
    createCodec({
      config: twoNodeConfig({ auth: { activeIndex, keys: [{ index: 1, method: 'sha1', key: 'secretkey' }, { index: 2, method: 'sha1', key: 'newkey' }] } }),
      hmac: nodeHmac,
    });

  test('key rotation: nodes on `auth 1` and `auth 2` with both keys listed accept each other (fixes Heartbeat D1)', () => {
    const onOld = rotating(1);
    const onNew = rotating(2);
    const fromNew = onNew.decode(encoded({ ...packet, from: 'master1' }, onOld));
    const fromOld = onOld.decode(encoded({ ...packet, from: 'master2' }, onNew));
    expect(fromNew.ok && fromNew.value.keyIndex).toBe(1);
    expect(fromOld.ok && fromOld.value.keyIndex).toBe(2);
  });

  test.each(['sha1', 'md5', 'crc'] as const)('%s round-trips with its own trailer length', (method) => {
    const c = createCodec({ config: withAuth(method), hmac: nodeHmac });
    const bytes = encoded(packet, c);
    expect(bytes.length).toBe(encoded(packet, createCodec({ config: withAuth('crc') })).length + { sha1: 16, md5: 12, crc: 0 }[method]);
    expect(c.decode(bytes).ok).toBe(true);
  });

  test('the receiver, not the packet, decides the method: a crc-signed forgery against a sha1 key is refused', () => {
    const forger = createCodec({ config: withAuth('crc') });
    const r = codec.decode(encoded(packet, forger));
    expect(r.ok).toBe(false);
  });
});

describe('decode: every error code', () => {
  test('HB_WIRE_TRUNCATED: empty, inside the header, the payload or the signature', () => {
    const bytes = encoded();
    for (const n of [0, 2, 3, 10, FIXED_HEADER_BYTES + 5, bytes.length - 30, bytes.length - 1]) {
      expect(errorOf(codec.decode(bytes.subarray(0, n))).code).toBe('HB_WIRE_TRUNCATED');
    }
  });

  test('HB_WIRE_BAD_MAGIC: random traffic, and a specific hint for a Heartbeat 3 packet', () => {
    expect(errorOf(codec.decode(Buffer.from('GET / HTTP/1.1\r\n'))).code).toBe('HB_WIRE_BAD_MAGIC');
    // The first bytes of the verbatim 3.0.6 heartbeat in reference §4.9.
    const e = errorOf(codec.decode(Buffer.from('###\n11:(0)t=status,12:(0)st=active,10:(0)dt=1f40,')));
    expect(e.code).toBe('HB_WIRE_BAD_MAGIC');
    expect(e.message).toMatch(/Heartbeat 3 packet.*old heartbeat daemon/);
  });

  test('HB_WIRE_UNSUPPORTED_VERSION: names both versions', () => {
    const bytes = encoded().slice();
    bytes[3] = 1; // an hbd/1 node (group keys spelled out) during a rolling upgrade
    const e = errorOf(codec.decode(bytes));
    expect(e.code).toBe('HB_WIRE_UNSUPPORTED_VERSION');
    expect(e.message).toBe('packet speaks hbd wire protocol version 1, this node speaks version 2: run the same hbd release on every node');
  });

  test('HB_WIRE_TOO_LARGE: more than 1400 bytes is refused before any parsing', () => {
    const big = new Uint8Array(MAX_PACKET_BYTES + 1);
    big.set(encoded());
    expect(errorOf(codec.decode(big)).code).toBe('HB_WIRE_TOO_LARGE');
  });

  test('HB_WIRE_FOREIGN_CLUSTER: another cluster on the same port', () => {
    const neighbour = createCodec({ config: twoNodeConfig({ clusterName: 'web-ha' }), hmac: nodeHmac });
    const e = errorOf(codec.decode(encoded(packet, neighbour)));
    expect(e).toEqual({ code: 'HB_WIRE_FOREIGN_CLUSTER', message: 'packet for cluster "web-ha", this node is in cluster "linux-ha"' });
  });

  test('HB_WIRE_UNKNOWN_KEY: signed with an index we do not have', () => {
    const other = createCodec({ config: twoNodeConfig({ auth: { activeIndex: 3, keys: [{ index: 3, method: 'sha1', key: 'secretkey' }] } }), hmac: nodeHmac });
    const e = errorOf(codec.decode(encoded(packet, other)));
    expect(e.code).toBe('HB_WIRE_UNKNOWN_KEY');
    expect(e.message).toBe('packet claiming to be from "master1" is signed with authkeys key 3, which is not configured here (configured: 1)');
  });

  test('HB_WIRE_BAD_SIGNATURE: same index, other secret; or a tampered byte', () => {
    const other = createCodec({ config: twoNodeConfig({ auth: { activeIndex: 1, keys: [{ index: 1, method: 'sha1', key: 'wrong' }] } }), hmac: nodeHmac });
    const e = errorOf(codec.decode(encoded(packet, other)));
    expect(e.code).toBe('HB_WIRE_BAD_SIGNATURE');
    expect(e.message).toContain('sha1 authentication with key 1 failed');
    expect(e.message).not.toContain('secretkey');
    expect(e.message).not.toContain('wrong');
    const tampered = encoded().slice();
    const at = Buffer.from(tampered).indexOf('"r3') + 2;
    tampered[at] = '9'.charCodeAt(0);
    expect(errorOf(codec.decode(tampered)).code).toBe('HB_WIRE_BAD_SIGNATURE');
  });

  test('HB_WIRE_BAD_SIGNATURE with crc says "corrupted", not "tampered"', () => {
    const crc = createCodec({ config: withAuth('crc') });
    const bytes = encoded(packet, crc).slice();
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 1;
    expect(errorOf(crc.decode(bytes)).message).toContain('crc checksum does not match');
  });

  test('HB_WIRE_UNKNOWN_NODE: an authenticated sender that is not a `node` of this cluster', () => {
    const e = errorOf(codec.decode(encoded({ ...packet, from: 'master3' })));
    expect(e).toEqual({
      code: 'HB_WIRE_UNKNOWN_NODE',
      message: 'authenticated packet from "master3", which is not a node of this cluster (nodes: master1, master2)',
    });
  });

  test('HB_WIRE_UNKNOWN_TYPE: a type code this node does not know', () => {
    expect(errorOf(codec.decode(signedFrame(Buffer.from('{}'), { typeCode: 4242 }))).code).toBe('HB_WIRE_UNKNOWN_TYPE');
  });

  test.each([
    ['trailing bytes after the signature', () => Buffer.concat([encoded(), Buffer.from([0])])],
    ['a payload that is not UTF-8', () => signedFrame(Uint8Array.of(0x7b, 0xff, 0x7d))],
    ['a payload that is not JSON', () => signedFrame(Buffer.from('{"status":'))],
    ['a payload that is a JSON array', () => signedFrame(Buffer.from('[]'))],
    ['a payload with its own "type"', () => signedFrame(wireHeartbeat(',"type":"ack"'))],
    ['a heartbeat with an unknown status', () => signedFrame(Buffer.from(wireHeartbeat().toString().replace('"up"', '"dancing"')))],
    ['a heartbeat with a fractional count', () => signedFrame(Buffer.from(wireHeartbeat().toString().replace(':0,', ':0.5,')))],
    ['a heartbeat without the haresources digest', () => signedFrame(Buffer.from('{"status":"up","pingReachable":0,"claims":"- - -"}'))],
    ['claims for more groups than haresources has (an unknown group number)', () => signedFrame(wireHeartbeat('', '"- - - r1"'))],
    ['claims for fewer groups', () => signedFrame(wireHeartbeat('', '"r1 -"'))],
    ['an unknown state letter', () => signedFrame(wireHeartbeat('', '"x1 - -"'))],
    ['a claim without an epoch', () => signedFrame(wireHeartbeat('', '"r - -"'))],
    ['an epoch with a leading zero', () => signedFrame(wireHeartbeat('', '"r01 - -"'))],
    ['an epoch above 2^53-1', () => signedFrame(wireHeartbeat('', '"r9007199254740992 - -"'))],
    ['a claim both tentative and not', () => signedFrame(wireHeartbeat('', '"S1! - -"'))],
    ['two spaces between tokens', () => signedFrame(wireHeartbeat('', '"r1  - -"'))],
    ['claims that are a number', () => signedFrame(wireHeartbeat('', '3'))],
    ['group numbers mixed with keys', () => signedFrame(Buffer.from(`{"msgId":1,"groups":[0,"drbddisk::r0"],"reason":"standby","haresources":"${TABLE}"}`), { typeCode: MESSAGE_TYPE_CODES.groupRequest })],
    ['claims by key that are not claims', () => signedFrame(wireHeartbeat('', '[{"group":"192.168.42.14","state":"started"}]'))],
    ['a group number past the end of haresources', () => signedFrame(Buffer.from(`{"msgId":1,"groups":[0,3],"reason":"standby","haresources":"${TABLE}"}`), { typeCode: MESSAGE_TYPE_CODES.groupRequest })],
    ['a negative group number', () => signedFrame(Buffer.from(`{"msgId":1,"groups":[-1],"reason":"standby","haresources":"${TABLE}"}`), { typeCode: MESSAGE_TYPE_CODES.groupRequest })],
    ['unclean groups as a string', () => signedFrame(Buffer.from(`{"msgId":1,"unclean":"0","haresources":"${TABLE}"}`), { typeCode: MESSAGE_TYPE_CODES.leaving })],
    ['a digest on a message that names no groups', () => signedFrame(Buffer.from(`{"msgId":1,"haresources":"${TABLE}"}`), { typeCode: MESSAGE_TYPE_CODES.ack })],
    ['an ack without msgId', () => signedFrame(Buffer.from('{}'), { typeCode: MESSAGE_TYPE_CODES.ack })],
    ['a number JSON turns into Infinity', () => signedFrame(Buffer.from('{"msgId":1e999}'), { typeCode: MESSAGE_TYPE_CODES.ack })],
    ['a generation above 2^53-1', () => signedFrame(Buffer.from('{"msgId":1}'), { typeCode: MESSAGE_TYPE_CODES.ack, generation: 2 ** 53 })],
    ['a sender name that is not UTF-8', () => signedFrame(Buffer.from('{"msgId":1}'), { typeCode: MESSAGE_TYPE_CODES.ack, from: Uint8Array.of(0x6d, 0xff) })],
  ])('HB_WIRE_MALFORMED: %s', (_name, make) => {
    expect(errorOf(codec.decode(make())).code).toBe('HB_WIRE_MALFORMED');
  });

  test('error messages about unauthenticated names are one safe log line', () => {
    const neighbour = createCodec({ config: twoNodeConfig({ clusterName: 'evil\nFAKE LOG LINE' }), hmac: nodeHmac });
    const e = errorOf(codec.decode(encoded(packet, neighbour)));
    expect(e.message).not.toContain('\n');
    expect(e.message).toContain('"evil\\nFAKE LOG LINE"');
  });
});

describe('encode: every error code', () => {
  test('HB_WIRE_UNKNOWN_TYPE: a type without a code', () => {
    const e = errorOf(codec.encode({ ...packet, message: { type: 'gossip' } as unknown as ClusterMessage }));
    expect(e).toEqual({ code: 'HB_WIRE_UNKNOWN_TYPE', message: 'cannot encode message type "gossip": it has no code in MESSAGE_TYPE_CODES' });
    expect(errorOf(codec.encode({ ...packet, message: { type: 'toString' } as unknown as ClusterMessage })).code).toBe('HB_WIRE_UNKNOWN_TYPE');
  });

  test.each<[string, OutgoingPacket]>([
    ['a NaN epoch', { ...packet, message: { ...heartbeat, claims: [{ group: '192.168.42.14', state: 'started', epoch: NaN }] } }],
    ['an unknown claim state', { ...packet, message: { ...heartbeat, claims: [{ group: '192.168.42.14', state: 'running' as 'started', epoch: 1 }] } }],
    ['a tentative flag that is not a boolean', { ...packet, message: { ...heartbeat, claims: [{ group: '192.168.42.14', state: 'starting', epoch: 1, tentative: 'yes' as unknown as boolean }] } }],
    ['a claim on a group not in haresources', { ...packet, message: { ...heartbeat, claims: [{ group: 'IPaddr::10.0.0.9', state: 'started', epoch: 1 }] } }],
    ['a group claimed twice', { ...packet, message: { ...heartbeat, claims: [{ group: 'drbddisk::r0', state: 'started', epoch: 1 }, { group: 'drbddisk::r0', state: 'stopping', epoch: 1 }] } }],
    ['a request for a group not in haresources', { ...packet, message: { type: 'groupRequest', msgId: 1, groups: ['nginx'], reason: 'standby' } }],
    ['unclean groups not in haresources', { ...packet, message: { type: 'leaving', msgId: 1, unclean: ['nginx'] } }],
    ['a payload with a field the wire reserves', { ...packet, message: { type: 'ack', msgId: 1, haresources: 'x' } as unknown as ClusterMessage }],
    ['a negative seq', { ...packet, seq: -1 }],
    ['a fractional generation', { ...packet, generation: 1.5 }],
    ['an empty sender', { ...packet, from: '' }],
    ['a sender of 256 bytes', { ...packet, from: 'x'.repeat(256) }],
    ['a bigint field', { ...packet, message: { ...heartbeat, extra: 1n } as unknown as ClusterMessage }],
    ['a typed-array field', { ...packet, message: { ...heartbeat, extra: new Uint8Array(2) } as unknown as ClusterMessage }],
    ['undefined inside an array', { ...packet, message: { type: 'groupRequest', msgId: 1, groups: [undefined as unknown as string], reason: 'standby' } }],
  ])('HB_WIRE_INVALID_MESSAGE: %s', (_name, p) => {
    expect(errorOf(codec.encode(p)).code).toBe('HB_WIRE_INVALID_MESSAGE');
  });

  test('an optional field left undefined is simply absent', () => {
    const r = codec.decode(encoded({ ...packet, message: { ...heartbeat, note: undefined } as unknown as ClusterMessage }));
    expect(r.ok && 'note' in r.value.message).toBe(false);
  });

  test('HB_WIRE_TOO_LARGE: says how large and why', () => {
    const e = errorOf(codec.encode({ ...packet, message: { ...heartbeat, padding: 'x'.repeat(1400) } as unknown as ClusterMessage }));
    expect(e.code).toBe('HB_WIRE_TOO_LARGE');
    expect(e.message).toMatch(/^a heartbeat message would encode to \d+ bytes \(payload \d+\), over the 1400-byte packet limit$/);
  });

  test('a misbehaving injected HMAC at run time is reported, not thrown', () => {
    let calls = 0;
    const flaky = createCodec({
      config: twoNodeConfig(),
      hmac: (m, k, d) => {
        calls++;
        if (calls > 1) throw new Error('hardware crypto engine unavailable');
        return nodeHmac(m, k, d);
      },
    });
    const e = errorOf(flaky.encode(packet));
    expect(e.code).toBe('HB_WIRE_INVALID_MESSAGE');
    expect(e.message).toContain('hardware crypto engine unavailable');
  });
});

describe('createCodec refuses what the config parser should have caught', () => {
  test('a cluster name over 255 bytes', () => {
    expect(() => createCodec({ config: twoNodeConfig({ clusterName: 'c'.repeat(256) }), hmac: nodeHmac })).toThrow(/cluster name/);
  });
});

describe('hbd/2: groups travel as their haresources position', () => {
  const send = (message: ClusterMessage, c: HbdCodec = codec) => encoded({ ...packet, message }, c);
  const payloadText = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

  test.each<[string, ClusterMessage, string]>([
    [
      'heartbeat: one token per group, upper case = tentative, "!" = tentative:false',
      {
        type: 'heartbeat',
        status: 'active',
        pingReachable: 1,
        claims: [
          { group: '192.168.42.14', state: 'started', epoch: 3 },
          { group: 'IPaddr::192.168.42.15/24/eth0', state: 'starting', epoch: 4, tentative: true },
          { group: 'drbddisk::r0', state: 'stopping', epoch: 0, tentative: false },
        ],
      },
      `"claims":"r3 S4 d0!","haresources":"${TABLE}"`,
    ],
    ['heartbeat: failed and unclean', { type: 'heartbeat', status: 'up', pingReachable: 0, claims: [{ group: 'drbddisk::r0', state: 'unclean', epoch: 9007199254740991 }, { group: '192.168.42.14', state: 'failed', epoch: 12 }] }, '"claims":"f12 - u9007199254740991"'],
    ['groupRequest', { type: 'groupRequest', msgId: 7, groups: ['drbddisk::r0', '192.168.42.14'], reason: 'standby' }, `"groups":[2,0],"reason":"standby","haresources":"${TABLE}"`],
    ['groupReleased', { type: 'groupReleased', msgId: 7, groups: ['IPaddr::192.168.42.15/24/eth0'], to: 'master2', reason: 'failback', stateSeq: 40 }, '"groups":[1],"to":"master2"'],
    ['leaving with unclean groups', { type: 'leaving', msgId: 7, unclean: ['drbddisk::r0'] }, `"unclean":[2],"haresources":"${TABLE}"`],
    ['leaving without: no digest', { type: 'leaving', msgId: 7 }, '{"msgId":7}'],
    ['groupCleanup keeps the key (one group, an operator action)', { type: 'groupCleanup', msgId: 7, group: 'drbddisk::r0', vouchedFor: ['master2'] }, '"group":"drbddisk::r0"'],
  ])('%s', (_name, message, wire) => {
    const bytes = send(message);
    expect(payloadText(bytes)).toContain(wire);
    const decoded = codec.decode(bytes);
    // Claims come back in haresources order.
    const expected = message.type === 'heartbeat' ? { ...message, claims: [...message.claims].sort((a, b) => order(a.group) - order(b.group)) } : message;
    expect(decoded.ok && decoded.value.message).toEqual(expected);
  });

  function order(group: string): number {
    return twoNodeConfig().groups.findIndex((g) => g.id === group);
  }

  test('no haresources at all: an empty claims string', () => {
    const empty = createCodec({ config: twoNodeConfig({ groups: [] }), hmac: nodeHmac });
    const bytes = send({ type: 'heartbeat', status: 'up', pingReachable: 0, claims: [] }, empty);
    expect(payloadText(bytes)).toContain(`"claims":"","haresources":"${groupTableDigest([])}"`);
    expect(empty.decode(bytes).ok).toBe(true);
  });

  test.each<[string, string[]]>([
    ['a group added at the end', ['192.168.42.14', 'IPaddr::192.168.42.15/24/eth0', 'drbddisk::r0', 'nginx']],
    ['the same groups in another order', ['drbddisk::r0', '192.168.42.14', 'IPaddr::192.168.42.15/24/eth0']],
    ['a renamed group', ['192.168.42.14', 'IPaddr::192.168.42.15/24/eth0', 'drbddisk::r1']],
  ])('HB_WIRE_GROUPS_MISMATCH: group numbers from a peer with another haresources (%s) are never misread: a heartbeat arrives with its claims marked unreadable, other messages are dropped', (_name, ids) => {
    const ours = createCodec({ config: twoNodeConfig(), hmac: nodeHmac });
    const peer = createCodec({ config: twoNodeConfig({ groups: ids.map((id) => ({ id })) }), hmac: nodeHmac });
    // The heartbeat still proves the peer alive (dropping it would get it declared dead and its groups started twice).
    const claimed: HeartbeatMessage = { ...heartbeat, claims: [{ group: ids[1]!, state: 'started', epoch: 4 }] };
    const alive = ours.decode(send(claimed, peer));
    expect(alive.ok && alive.value.message).toEqual({ ...claimed, claims: [], claimsUnreadable: true });
    for (const message of [{ type: 'groupRequest', msgId: 1, groups: [ids[0]!], reason: 'takeover' } as const, { type: 'leaving', msgId: 1, unclean: [ids[2]!] } as const]) {
      const e = errorOf(ours.decode(send(message, peer)));
      expect(e.code).toBe('HB_WIRE_GROUPS_MISMATCH');
      expect(e.message).toContain(`master1 numbers its resource groups by another haresources (groups digest "${groupTableDigest(ids)}", ours "${TABLE}"`);
      expect(e.message).toContain('haresources must list the same groups in the same order on every node');
    }
    // Messages that name no group still pass: the peer is not declared dead for it.
    expect(ours.decode(send({ type: 'ack', msgId: 3 }, peer)).ok).toBe(true);
  });

  test('a rolling haresources change: after one dropped packet both sides name groups by key, and by number again once the lists match', () => {
    const ids = ['192.168.42.14', 'IPaddr::192.168.42.15/24/eth0', 'drbddisk::r0', 'nginx'];
    const alpha = createCodec({ config: twoNodeConfig(), hmac: nodeHmac }); // old haresources
    const beta = createCodec({ config: twoNodeConfig({ groups: ids.map((id) => ({ id })) }), hmac: nodeHmac }); // new one
    const alphaSays: HeartbeatMessage = { ...heartbeat, claims: [{ group: 'drbddisk::r0', state: 'started', epoch: 7 }] };
    const betaSays: HeartbeatMessage = { ...heartbeat, claims: [{ group: 'nginx', state: 'starting', epoch: 1, tentative: true }, { group: '192.168.42.14', state: 'started', epoch: 3 }] };
    const fromBeta = (m: ClusterMessage) => beta.encode({ from: 'master2', generation: 9, seq: 1, message: m });
    const fromAlpha = (m: ClusterMessage) => alpha.encode({ from: 'master1', generation: 5, seq: 1, message: m });

    // beta's first heartbeat is by number: alpha cannot read its claims (marked so), and learns why.
    const first = fromBeta(betaSays);
    const unreadable = first.ok ? alpha.decode(first.value) : null;
    expect(unreadable?.ok && unreadable.value.message).toEqual({ ...betaSays, claims: [], claimsUnreadable: true });
    expect([...alpha.otherGroupTables()]).toEqual([['master2', groupTableDigest(ids)]]);
    // alpha now names groups by key (with its own digest), which beta reads, and learns from.
    const reply = fromAlpha(alphaSays);
    expect(reply.ok && payloadText(reply.value)).toContain(`"claims":[{"group":"drbddisk::r0","state":"started","epoch":7}],"haresources":"${TABLE}"`);
    const atBeta = reply.ok ? beta.decode(reply.value) : null;
    expect(atBeta?.ok && atBeta.value.message).toEqual(alphaSays);
    // beta answers by key as well; alpha reads it, including the group it does not know (its core ignores that one).
    const second = fromBeta(betaSays);
    const atAlpha = second.ok ? alpha.decode(second.value) : null;
    expect(atAlpha?.ok && atAlpha.value.message).toEqual(betaSays);
    const request = fromBeta({ type: 'groupRequest', msgId: 2, groups: ['drbddisk::r0'], reason: 'failback' });
    expect(request.ok && payloadText(request.value)).toContain('"groups":["drbddisk::r0"]');

    // beta is restarted with the old haresources again: its first packet clears alpha's note.
    const fixed = createCodec({ config: twoNodeConfig(), hmac: nodeHmac });
    const fromFixed = fixed.encode({ from: 'master2', generation: 10, seq: 1, message: heartbeat });
    expect(fromFixed.ok && alpha.decode(fromFixed.value).ok).toBe(true);
    expect(alpha.otherGroupTables().size).toBe(0);
    const back = fromAlpha(alphaSays);
    expect(back.ok && payloadText(back.value)).toContain('"claims":"- - r7"');
  });

  test('while a peer has another haresources, a heartbeat too large by key still goes by number (the peer reads it as alive, claims unreadable)', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ id: `IPaddr::10.213.0.${i + 10}/24/eth0` }));
    const alpha = createCodec({ config: twoNodeConfig({ groups: many }), hmac: nodeHmac });
    const beta = createCodec({ config: twoNodeConfig({ groups: many.slice(1) }), hmac: nodeHmac });
    const hello = beta.encode({ from: 'master2', generation: 1, seq: 1, message: { ...heartbeat, claims: [] } });
    const atAlpha = hello.ok ? alpha.decode(hello.value) : null;
    expect(atAlpha?.ok && atAlpha.value.message).toMatchObject({ claims: [], claimsUnreadable: true });
    expect(alpha.otherGroupTables().has('master2')).toBe(true);
    const all: HeartbeatMessage = { ...heartbeat, claims: many.map((g, i) => ({ group: g.id, state: 'started', epoch: i })) };
    const r = alpha.encode({ ...packet, message: all });
    expect(r.ok && payloadText(r.value)).toContain('"claims":"r0 r1 r2');
    const atBeta = r.ok ? beta.decode(r.value) : null;
    expect(atBeta?.ok && atBeta.value.message).toMatchObject({ claims: [], claimsUnreadable: true });
  });

  test('a group listed twice is refused at creation (the config parser refuses it first)', () => {
    expect(() => createCodec({ config: twoNodeConfig({ groups: [{ id: 'a' }, { id: 'a' }] }), hmac: nodeHmac })).toThrow(/listed twice/);
  });
});
