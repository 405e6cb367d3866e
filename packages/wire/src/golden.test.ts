// A verbatim hbd/2 packet, annotated field by field. If this test fails, the wire format
// changed: nodes running the previous build would drop every packet of this one. Bump
// PROTOCOL_VERSION (and write down why) instead of editing these bytes.
//
// History: hbd/1 spelled each claim out as {"group":"192.168.42.14","state":"started","epoch":3};
// hbd/2 numbers groups by their haresources line (group-table.ts), which lifted the group limit
// from 11–14 to 64+ (docs/reference/wire-protocol.md, Sizes).

import { createHmac } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import type { OutgoingPacket } from './packet-codec';
import { crc32Posix } from './crc32';
import { createCodec } from './hbd-codec';
import { hex, nodeHmac, twoNodeConfig, withAuth } from '../test/fixtures';

// haresources: 192.168.42.14 / IPaddr::192.168.42.15/24/eth0 / drbddisk::r0 (groups 0, 1, 2).
const config = twoNodeConfig({ digest: '5f0c9a1e' });
const packet: OutgoingPacket = {
  from: 'master2',
  generation: 1_700_000_001,
  seq: 12,
  message: {
    type: 'heartbeat',
    status: 'active',
    pingReachable: 1,
    claims: [
      { group: '192.168.42.14', state: 'started', epoch: 3 },
      { group: 'drbddisk::r0', state: 'starting', epoch: 4, tentative: true },
    ],
  },
};
// Group 0 started at epoch 3, group 1 unclaimed, group 2 announced for start (tentative) at
// epoch 4; "3:52af65d6" = 3 groups, FNV-1a 32 of their keys joined by newlines.
const json = '{"status":"active","pingReachable":1,"claims":"r3 - S4","haresources":"3:52af65d6"}';

const signed = [
  '484244', // magic "HBD"
  '02', // protocol version 2
  '01', // authkeys index 1
  '0001', // message type code 1 = heartbeat
  '000000006553f101', // generation 1700000001
  '000000000000000c', // seq 12
  '08' + Buffer.from('linux-ha').toString('hex'), // cluster name
  '07' + Buffer.from('master2').toString('hex'), // sender
  '08' + Buffer.from('5f0c9a1e').toString('hex'), // config digest
  '0053' + Buffer.from(json).toString('hex'), // payload: 83 bytes of JSON
].join('');
const SHA1_TRAILER = 'f4b3518e55022825896e51902441023037d2f6db';
const CRC_TRAILER = 'f8705958';

describe('hbd/2 golden packet', () => {
  test('the payload is the annotated JSON', () => {
    expect(Buffer.byteLength(json)).toBe(0x53);
  });

  test('sha1: encodes to exactly these bytes, trailer = HMAC-SHA1("secretkey", everything before it)', () => {
    const bytes = createCodec({ config, hmac: nodeHmac }).encode(packet);
    expect(bytes.ok && hex(bytes.value)).toBe(signed + SHA1_TRAILER);
    expect(createHmac('sha1', 'secretkey').update(Buffer.from(signed, 'hex')).digest('hex')).toBe(SHA1_TRAILER);
  });

  test('crc: same body, trailer = CRC-32/POSIX of everything before it', () => {
    const bytes = createCodec({ config: withAuth('crc', config) }).encode(packet);
    expect(bytes.ok && hex(bytes.value)).toBe(signed + CRC_TRAILER);
    expect(crc32Posix(Buffer.from(signed, 'hex')).toString(16).padStart(8, '0')).toBe(CRC_TRAILER);
  });

  test('decodes back to the packet', () => {
    const decoded = createCodec({ config, hmac: nodeHmac }).decode(Buffer.from(signed + SHA1_TRAILER, 'hex'));
    expect(decoded.ok && decoded.value).toMatchObject({ ...packet, configDigest: '5f0c9a1e', keyIndex: 1, protocolVersion: 2 });
  });

  test('an hbd/1 packet (the previous golden bytes) is refused as another protocol version', () => {
    const v1 = Buffer.from(signed.replace(/^48424402/, '48424401') + SHA1_TRAILER, 'hex');
    const decoded = createCodec({ config, hmac: nodeHmac }).decode(v1);
    expect(!decoded.ok && decoded.error).toEqual({ code: 'HB_WIRE_UNSUPPORTED_VERSION', message: 'packet speaks hbd wire protocol version 1, this node speaks version 2: run the same hbd release on every node' });
  });
});
