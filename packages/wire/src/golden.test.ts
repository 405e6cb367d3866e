// A verbatim hbd/1 packet, annotated field by field. If this test fails, the wire format
// changed: nodes running the previous build would drop every packet of this one. Bump
// PROTOCOL_VERSION (and write down why) instead of editing these bytes.

import { createHmac } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import type { OutgoingPacket } from './packet-codec';
import { crc32Posix } from './crc32';
import { createCodec } from './hbd-codec';
import { hex, nodeHmac, twoNodeConfig, withAuth } from '../test/fixtures';

const config = twoNodeConfig({ digest: '5f0c9a1e' });
const packet: OutgoingPacket = {
  from: 'master2',
  generation: 1_700_000_001,
  seq: 12,
  message: { type: 'heartbeat', status: 'active', pingReachable: 1, claims: [{ group: '192.168.42.14', state: 'started', epoch: 3 }] },
};
const json = '{"status":"active","pingReachable":1,"claims":[{"group":"192.168.42.14","state":"started","epoch":3}]}';

const signed = [
  '484244', // magic "HBD"
  '01', // protocol version 1
  '01', // authkeys index 1
  '0001', // message type code 1 = heartbeat
  '000000006553f101', // generation 1700000001
  '000000000000000c', // seq 12
  '08' + Buffer.from('linux-ha').toString('hex'), // cluster name
  '07' + Buffer.from('master2').toString('hex'), // sender
  '08' + Buffer.from('5f0c9a1e').toString('hex'), // config digest
  '0066' + Buffer.from(json).toString('hex'), // payload: 102 bytes of JSON
].join('');
const SHA1_TRAILER = '336fc1cc9d916f91717dcb639142cc4b94eaf489';
const CRC_TRAILER = '96df45b1';

describe('hbd/1 golden packet', () => {
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
    expect(decoded.ok && decoded.value).toMatchObject({ ...packet, configDigest: '5f0c9a1e', keyIndex: 1 });
  });
});
