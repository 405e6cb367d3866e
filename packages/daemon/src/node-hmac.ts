// The HMAC primitive @hbd/wire needs (it is pure and has none): node:crypto, raw digest bytes.
// createCodec self-tests it against RFC 2202 before the first packet.

import { createHmac } from 'node:crypto';
import type { Hmac } from '@hbd/wire';

export const nodeHmac: Hmac = (method, key, data) => new Uint8Array(createHmac(method, key).update(data).digest());
