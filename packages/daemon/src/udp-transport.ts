// UDP sockets for the planned media (node:dgram). Per local address and port one unicast socket
// (ucast sends and receives, bcast sends); per broadcast address one receive socket; per
// multicast group one socket joined on the interface's address. Received datagrams are stamped
// with the monotonic clock at once and handed up with the link they arrived on. Nothing here
// throws at run time: send errors are reported through `onSendError`.

import dgram from 'node:dgram';
import { mediumForUnicast, type ResolvedMedium } from './media';

export interface ReceivedDatagram {
  readonly bytes: Buffer;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Null when the packet cannot be attributed to a configured medium. */
  readonly medium: ResolvedMedium | null;
  readonly rxAtMs: number;
}

export interface UdpTransportOptions {
  readonly media: readonly ResolvedMedium[];
  readonly nowMs: () => number;
  readonly onDatagram: (datagram: ReceivedDatagram) => void;
  readonly onSendError: (medium: ResolvedMedium, destination: string, error: Error) => void;
  /** A socket failed after start (e.g. the interface vanished). */
  readonly onSocketError: (what: string, error: Error) => void;
}

export interface UdpTransport {
  /** Binds every socket; resolves with the media that could not be bound (and why). */
  start(): Promise<{ readonly failed: readonly { readonly link: string; readonly why: string }[] }>;
  /** One copy on every working medium: to the ucast peer, the broadcast address, the group. */
  sendAll(bytes: Uint8Array): void;
  /** Unicast to a learned address of one node, from the socket of the medium it was learned on. */
  sendVia(medium: ResolvedMedium, address: string, bytes: Uint8Array): void;
  /** Our own sending endpoints (to ignore our own broadcasts and multicasts looping back). */
  isOwnEndpoint(address: string, port: number): boolean;
  /** Resolves when every datagram handed to the kernel has been sent (or after `timeoutMs`). */
  flush(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

interface SocketEntry {
  readonly key: string;
  readonly socket: dgram.Socket;
  readonly bindAddress: string;
  readonly port: number;
  readonly media: ResolvedMedium[];
  bound: boolean;
}

function bind(socket: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    socket.once('error', onError);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

export function createUdpTransport(options: UdpTransportOptions): UdpTransport {
  const unicast = new Map<string, SocketEntry>(); // bindAddress:port -> socket
  const broadcastReceivers = new Map<string, SocketEntry>(); // broadcast:port
  const multicast = new Map<string, SocketEntry>(); // link -> socket
  const working = new Set<ResolvedMedium>();
  const own = new Set<string>();
  let pendingSends = 0;
  let flushWaiters: (() => void)[] = [];

  function sendDone(): void {
    pendingSends--;
    if (pendingSends === 0) for (const waiter of flushWaiters.splice(0)) waiter();
  }

  function entryFor(map: Map<string, SocketEntry>, key: string, bindAddress: string, port: number, reuseAddr: boolean): SocketEntry {
    let entry = map.get(key);
    if (entry === undefined) {
      entry = { key, socket: dgram.createSocket({ type: 'udp4', reuseAddr }), bindAddress, port, media: [], bound: false };
      map.set(key, entry);
    }
    return entry;
  }

  for (const medium of options.media) {
    if (medium.kind === 'mcast') {
      entryFor(multicast, medium.link, medium.destination, medium.port, true).media.push(medium);
    } else {
      entryFor(unicast, `${medium.bindAddress}:${medium.port}`, medium.bindAddress, medium.port, false).media.push(medium);
      if (medium.kind === 'bcast') entryFor(broadcastReceivers, `${medium.destination}:${medium.port}`, medium.destination, medium.port, true).media.push(medium);
    }
  }

  function listen(entry: SocketEntry, attribute: (remote: string) => ResolvedMedium | null): void {
    entry.socket.on('message', (bytes, remote) => {
      const rxAtMs = options.nowMs();
      options.onDatagram({ bytes, remoteAddress: remote.address, remotePort: remote.port, medium: attribute(remote.address), rxAtMs });
    });
    entry.socket.on('error', (error) => options.onSocketError(`socket ${entry.key}`, error));
  }

  function send(socket: dgram.Socket, medium: ResolvedMedium, address: string, bytes: Uint8Array): void {
    pendingSends++;
    try {
      socket.send(bytes, medium.port, address, (error) => {
        sendDone();
        if (error) options.onSendError(medium, address, error);
      });
    } catch (error) {
      sendDone();
      options.onSendError(medium, address, error as Error);
    }
  }

  return {
    async start() {
      const failed: { link: string; why: string }[] = [];
      for (const entry of unicast.values()) {
        try {
          await bind(entry.socket, entry.port, entry.bindAddress);
          entry.bound = true;
          if (entry.media.some((medium) => medium.kind === 'bcast')) entry.socket.setBroadcast(true);
          own.add(`${entry.bindAddress}:${entry.port}`);
          listen(entry, (remote) => mediumForUnicast(options.media, entry.bindAddress, remote));
          for (const medium of entry.media) working.add(medium);
        } catch (error) {
          for (const medium of entry.media) failed.push({ link: medium.link, why: `cannot bind ${entry.key}: ${(error as Error).message}` });
        }
      }
      for (const entry of broadcastReceivers.values()) {
        try {
          await bind(entry.socket, entry.port, entry.bindAddress);
          entry.bound = true;
          const medium = entry.media[0] ?? null;
          listen(entry, () => medium);
        } catch (error) {
          for (const medium of entry.media) {
            working.delete(medium);
            failed.push({ link: medium.link, why: `cannot receive broadcasts on ${entry.key}: ${(error as Error).message}` });
          }
        }
      }
      for (const entry of multicast.values()) {
        const medium = entry.media[0]!;
        try {
          // Bound to the group address: only this group's datagrams arrive on this socket.
          await new Promise<void>((resolve, reject) => {
            entry.socket.once('error', reject);
            entry.socket.bind({ port: entry.port, address: medium.destination }, () => {
              entry.socket.off('error', reject);
              resolve();
            });
          });
          entry.bound = true;
          entry.socket.addMembership(medium.destination, medium.bindAddress);
          entry.socket.setMulticastInterface(medium.bindAddress);
          entry.socket.setMulticastTTL(medium.ttl ?? 1);
          entry.socket.setMulticastLoopback(medium.loop ?? false);
          own.add(`${medium.bindAddress}:${entry.port}`);
          listen(entry, () => medium);
          working.add(medium);
        } catch (error) {
          failed.push({ link: medium.link, why: `cannot join ${medium.destination} on ${medium.iface} (${medium.bindAddress}): ${(error as Error).message}` });
        }
      }
      return { failed };
    },

    sendAll(bytes) {
      for (const medium of options.media) {
        if (!working.has(medium)) continue;
        const socket = medium.kind === 'mcast' ? multicast.get(medium.link)?.socket : unicast.get(`${medium.bindAddress}:${medium.port}`)?.socket;
        if (socket !== undefined) send(socket, medium, medium.destination, bytes);
      }
    },

    sendVia(medium, address, bytes) {
      if (!working.has(medium)) return;
      const socket = medium.kind === 'mcast' ? multicast.get(medium.link)?.socket : unicast.get(`${medium.bindAddress}:${medium.port}`)?.socket;
      if (socket !== undefined) send(socket, medium, medium.kind === 'mcast' ? medium.destination : address, bytes);
    },

    isOwnEndpoint(address, port) {
      return own.has(`${address}:${port}`);
    },

    flush(timeoutMs) {
      if (pendingSends === 0) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          flushWaiters = flushWaiters.filter((waiter) => waiter !== done);
          resolve();
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        flushWaiters.push(done);
      });
    },

    async close() {
      const all = [...unicast.values(), ...broadcastReceivers.values(), ...multicast.values()];
      await Promise.all(
        all.map(
          (entry) =>
            new Promise<void>((resolve) => {
              try {
                entry.socket.close(() => resolve());
              } catch {
                resolve(); // never bound
              }
            }),
        ),
      );
      working.clear();
    },
  };
}
