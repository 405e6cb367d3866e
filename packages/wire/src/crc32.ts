// CRC-32 exactly as Heartbeat's `crc` auth method computes it (heartbeat-3-behaviour.md §3.3):
// polynomial 0x04C11DB7, initial value 0, MSB first (not reflected), final XOR 0xFFFFFFFF, no
// length suffix. check("123456789") = 0x765e7680. A checksum against corruption, not an
// authenticator: anyone can compute it.

const POLY = 0x04c11db7;

const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let bit = 0; bit < 8; bit++) c = c & 0x80000000 ? (c << 1) ^ POLY : c << 1;
    table[i] = c >>> 0;
  }
  return table;
})();

export function crc32Posix(data: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < data.length; i++) crc = ((crc << 8) ^ TABLE[((crc >>> 24) ^ data[i]!) & 0xff]!) >>> 0;
  return (crc ^ 0xffffffff) >>> 0;
}
