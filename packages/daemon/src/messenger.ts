// Between the engine's messages and the UDP media: encode, sign, sequence and send; receive,
// authenticate, check for replays and hand over. Every packet that is not handed to the engine
// is counted by reason and logged at most once a minute per reason, with the number suppressed.
//
// Addressing: a message "to all" goes out once on every medium. A message to one node goes
// only to the addresses that node's authenticated packets came from, per medium (learned
// routes), so a third node never sees a message (an ack, say) meant for someone else. Until a
// node has been heard there is no route and nothing is sent: the engine resends reliable
// messages until the peer answers or is declared dead.

import type { ClusterMessage, NodeName } from '@hbd/core';
import { DropCounters, ReplayWindow, Sequencer, type PacketCodec, type WireErrorCode } from '@hbd/wire';
import type { Log } from './logger';
import { RateLimiter } from './logger';
import type { ResolvedMedium } from './media';
import type { Messenger } from './ports';
import type { ReceivedDatagram, UdpTransport } from './udp-transport';

/** Drops decided by the daemon rather than the codec. */
export type DaemonDropReason = 'HB_NET_OWN_NAME' | 'HB_NET_UNKNOWN_MEDIUM' | 'HB_NET_STALE';

export interface MessengerOptions {
  readonly localNode: string;
  readonly configDigest: string;
  readonly codec: PacketCodec;
  readonly transport: UdpTransport;
  /** The generation persisted on disk (0 before the first persistGeneration: nothing is sent). */
  readonly generation: () => number;
  readonly nowMs: () => number;
  readonly log: Log;
  /** An authenticated, fresh packet for the engine. */
  readonly onPacket: (packet: { from: NodeName; link: string; generation: number; message: ClusterMessage }) => void;
  readonly dropLogIntervalMs?: number;
  /**
   * True while the packets being read queued up during a stall of this process (SIGSTOP, VM
   * pause): they describe the past — a peer's claim it has since dropped — so they are counted
   * and dropped; heartbeats come again within a keepalive and control messages are resent.
   */
  readonly isStale?: () => boolean;
}

export interface PacketStats {
  readonly received: number;
  readonly sent: number;
  readonly sendErrors: number;
  readonly dropped: { readonly total: number; readonly byReason: Readonly<Record<string, number>> };
}

export interface DaemonMessenger extends Messenger {
  receive(datagram: ReceivedDatagram): void;
  reportSendError(medium: ResolvedMedium, destination: string, error: Error): void;
  stats(): PacketStats;
  /** After an authkeys reload: the same cluster, new keys. */
  setCodec(codec: PacketCodec): void;
}

export function createMessenger(options: MessengerOptions): DaemonMessenger {
  const { log } = options;
  const intervalMs = options.dropLogIntervalMs ?? 60_000;
  const wireDrops = new DropCounters(intervalMs);
  const daemonDrops = new Map<DaemonDropReason, number>();
  const limiter = new RateLimiter(intervalMs);
  const replay = new ReplayWindow();
  const sequencer = new Sequencer();
  const routes = new Map<NodeName, Map<string, { medium: ResolvedMedium; address: string }>>();
  const digestWarned = new RateLimiter(intervalMs);
  let codec = options.codec;
  let received = 0;
  let sent = 0;
  let sendErrors = 0;

  function dropWire(code: WireErrorCode, detail: string, remote: string): void {
    const record = wireDrops.record(code, options.nowMs());
    if (!record.logNow) return;
    const more = record.suppressed > 0 ? ` (${record.suppressed} more dropped for this reason since the last report)` : '';
    log.log('warning', `dropped packet from ${remote}: ${code}: ${detail}${more}`, { code, remote, total: record.total });
  }

  function dropDaemon(reason: DaemonDropReason, detail: string, remote: string): void {
    daemonDrops.set(reason, (daemonDrops.get(reason) ?? 0) + 1);
    const suppressed = limiter.allow(reason, options.nowMs());
    if (suppressed === null) return;
    const more = suppressed > 0 ? ` (${suppressed} more dropped for this reason since the last report)` : '';
    log.log('warning', `dropped packet from ${remote}: ${reason}: ${detail}${more}`, { code: reason, remote });
  }

  return {
    send(to, message) {
      const generation = options.generation();
      if (generation <= 0) {
        log.debug(1, `not sending ${message.type}: no generation persisted yet`);
        return;
      }
      const encoded = codec.encode({ from: options.localNode, generation, seq: sequencer.next(generation), message });
      if (!encoded.ok) {
        // The engine produced something the wire cannot carry: a bug or a config too big for a packet.
        const suppressed = limiter.allow(`encode:${encoded.error.code}`, options.nowMs());
        if (suppressed !== null) log.log('error', `cannot send ${message.type} to ${to}: ${encoded.error.code}: ${encoded.error.message}`);
        return;
      }
      if (to === 'all') {
        options.transport.sendAll(encoded.value);
        sent++;
        return;
      }
      const known = routes.get(to);
      if (known === undefined || known.size === 0) {
        log.debug(1, `not sending ${message.type} to ${to}: nothing heard from ${to} yet, so no address is known`);
        return;
      }
      for (const route of known.values()) options.transport.sendVia(route.medium, route.address, encoded.value);
      sent++;
    },

    receive(datagram) {
      const remote = `${datagram.remoteAddress}:${datagram.remotePort}`;
      if (options.transport.isOwnEndpoint(datagram.remoteAddress, datagram.remotePort)) return; // our own bcast/mcast looping back
      received++;
      if (datagram.medium === null) {
        dropDaemon('HB_NET_UNKNOWN_MEDIUM', 'it arrived on a socket no configured medium accounts for', remote);
        return;
      }
      const decoded = codec.decode(datagram.bytes);
      if (!decoded.ok) {
        dropWire(decoded.error.code, decoded.error.message, remote);
        return;
      }
      const packet = decoded.value;
      const link = datagram.medium.link;
      if (packet.from === options.localNode) {
        dropDaemon('HB_NET_OWN_NAME', `it claims to come from ${options.localNode}, this node: two nodes configured with the same name?`, remote);
        return;
      }
      const admitted = replay.admit(packet.from, packet.generation, packet.seq, link);
      if (!admitted.ok) {
        dropWire(admitted.error.code, admitted.error.message, remote);
        return;
      }
      if (packet.configDigest !== null && packet.configDigest !== options.configDigest) {
        const suppressed = digestWarned.allow(packet.from, options.nowMs());
        if (suppressed !== null) {
          log.log(
            'warning',
            `${packet.from} runs a different cluster configuration (digest ${packet.configDigest}, ours ${options.configDigest}): ` +
              'ha.cf and haresources must be identical on every node; heartbeats are still accepted so nobody is declared dead for it',
          );
        }
      }
      let known = routes.get(packet.from);
      if (known === undefined) {
        known = new Map();
        routes.set(packet.from, known);
      }
      known.set(link, { medium: datagram.medium, address: datagram.remoteAddress });
      if (options.isStale?.() === true) {
        dropDaemon('HB_NET_STALE', 'it queued up while hbd itself was stalled (stale news; a fresh heartbeat follows within a keepalive, control messages are resent)', remote);
        return;
      }
      options.onPacket({ from: packet.from, link, generation: packet.generation, message: packet.message });
    },

    reportSendError(medium, destination, error) {
      sendErrors++;
      const suppressed = limiter.allow(`send:${medium.link}`, options.nowMs());
      if (suppressed === null) return;
      const more = suppressed > 0 ? ` (${suppressed} more since the last report)` : '';
      log.log('error', `cannot send on ${medium.link} to ${destination}:${medium.port}: ${error.message}; is a cable unplugged or the interface down?${more}`);
    },

    setCodec(next) {
      codec = next;
    },

    stats() {
      const byReason: Record<string, number> = {};
      let total = 0;
      for (const [code, count] of Object.entries(wireDrops.snapshot())) {
        if (count > 0) byReason[code] = count;
        total += count;
      }
      for (const [code, count] of daemonDrops) {
        byReason[code] = count;
        total += count;
      }
      return { received, sent, sendErrors, dropped: { total, byReason } };
    },
  };
}
