// Ports for tests that run in parallel: ask the kernel for a free one instead of guessing.
import dgram from 'node:dgram';
import net from 'node:net';

/** A UDP port free on every loopback address right now (bound on 0.0.0.0, then released). */
export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '0.0.0.0', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** A UDP port whose successor is a free TCP port too (the loopback cluster's udpport + HTTP port). */
export async function freeUdpAndTcpPorts(): Promise<{ udp: number; tcp: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = await freeUdpPort();
    const tcp = udp + 1;
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(tcp, '0.0.0.0', () => server.close(() => resolve(true)));
    });
    if (free && tcp < 65536) return { udp, tcp };
  }
  throw new Error('no free UDP/TCP port pair found in 20 attempts');
}
