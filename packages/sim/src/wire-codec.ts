// The real wire: every simulated packet is encoded by @hbd/wire (hbd/2 framing, HMAC with the
// cluster's authkeys via node:crypto), sequenced per sender generation, decoded and admitted by
// the receiver's own replay window per (peer, link) — exactly the daemon's path, minus the socket.

import { createHmac } from 'node:crypto';
import type { ClusterConfig } from '@hbd/config';
import { createCodec, ReplayWindow, Sequencer, type Hmac } from '@hbd/wire';
import type { CodecEndpoint, SimCodec } from './codec';

export const nodeHmac: Hmac = (method, key, data) => new Uint8Array(createHmac(method, key).update(data).digest());

export function wireCodec(config: ClusterConfig): SimCodec {
  const codec = createCodec({ config, hmac: nodeHmac });
  return {
    name: codec.name,
    endpoint(node: string): CodecEndpoint {
      const sequencer = new Sequencer();
      const replay = new ReplayWindow();
      return {
        encode(message, generation) {
          const encoded = codec.encode({ from: node, generation, seq: sequencer.next(generation), message });
          return encoded.ok ? { ok: true, packet: encoded.value } : { ok: false, code: encoded.error.code, reason: encoded.error.message };
        },
        decode(packet, link) {
          if (typeof packet === 'string') return { ok: false, code: 'HB_SIM_TEXT', reason: 'text packet on the binary wire' };
          const decoded = codec.decode(packet);
          if (!decoded.ok) return { ok: false, code: decoded.error.code, reason: decoded.error.message };
          const p = decoded.value;
          const admitted = replay.admit(p.from, p.generation, p.seq, link);
          if (!admitted.ok) return { ok: false, code: admitted.error.code, reason: admitted.error.message };
          return { ok: true, from: p.from, generation: p.generation, message: p.message };
        },
      };
    },
  };
}
