// From ha.cf media lines to concrete sockets: which local address each medium is bound to, where
// it sends, and the link name the engine sees. Pure apart from the interface table, which is
// passed in (os.networkInterfaces() in production, a literal in tests).

import type { Medium } from '@hbd/config';

export interface InterfaceAddress {
  readonly address: string;
  readonly netmask: string;
  readonly family: 'IPv4' | 'IPv6' | string | number;
}

export type InterfaceTable = Readonly<Record<string, readonly InterfaceAddress[] | undefined>>;

export interface ResolvedMedium {
  readonly medium: Medium;
  /** What the engine and the operator call this link: "ucast eth1 10.0.0.2", "bcast eth0", "mcast eth0 225.0.0.1". */
  readonly link: string;
  readonly kind: 'ucast' | 'bcast' | 'mcast';
  readonly iface: string;
  /** Local IPv4 address the sending socket is bound to. */
  readonly bindAddress: string;
  /** Where packets "to all" go: the peer, the broadcast address or the multicast group. */
  readonly destination: string;
  readonly port: number;
  /** Subnet of bindAddress, to attribute unicast packets to this medium. */
  readonly network: { readonly base: number; readonly mask: number };
  readonly ttl?: number;
  readonly loop?: boolean;
}

export interface MediaPlan {
  readonly media: readonly ResolvedMedium[];
  /** ucast lines that point at this node itself (identical ha.cf on every node): skipped, not an error. */
  readonly skipped: readonly { readonly link: string; readonly why: string }[];
  /** Media that cannot work as configured (missing interface, no IPv4, not implemented). */
  readonly problems: readonly { readonly link: string; readonly why: string }[];
}

export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const byte = Number(part);
    if (byte > 255) return null;
    value = value * 256 + byte;
  }
  return value;
}

export function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

export function linkName(medium: Medium): string {
  switch (medium.kind) {
    case 'ucast':
      return `ucast ${medium.iface} ${medium.peer}`;
    case 'bcast':
      return `bcast ${medium.iface}`;
    case 'mcast':
      return `mcast ${medium.iface} ${medium.group}`;
    case 'serial':
      return `serial ${medium.device}`;
    case 'ucast6':
    case 'mcast6':
      return `${medium.kind} ${medium.raw}`;
  }
}

function ipv4Of(entries: readonly InterfaceAddress[] | undefined): { address: string; base: number; mask: number }[] {
  const result: { address: string; base: number; mask: number }[] = [];
  for (const entry of entries ?? []) {
    if (entry.family !== 'IPv4' && entry.family !== 4) continue;
    const address = parseIPv4(entry.address);
    const mask = parseIPv4(entry.netmask);
    if (address === null || mask === null) continue;
    result.push({ address: entry.address, base: (address & mask) >>> 0, mask });
  }
  return result;
}

function inNetwork(address: number, network: { base: number; mask: number }): boolean {
  return ((address & network.mask) >>> 0) === network.base;
}

/**
 * Resolves the media. `bindAddress` overrides the interface's address for ucast and bcast (the
 * loopback demo runs two nodes on one `lo`, as 127.0.0.2 and 127.0.0.3).
 */
export function planMedia(media: readonly Medium[], interfaces: InterfaceTable, options: { bindAddress?: string } = {}): MediaPlan {
  const resolved: ResolvedMedium[] = [];
  const skipped: { link: string; why: string }[] = [];
  const problems: { link: string; why: string }[] = [];
  const localAddresses = new Set<string>();
  for (const entries of Object.values(interfaces)) for (const entry of ipv4Of(entries)) localAddresses.add(entry.address);
  if (options.bindAddress !== undefined) localAddresses.add(options.bindAddress);

  for (const medium of media) {
    const link = linkName(medium);
    if (medium.kind !== 'ucast' && medium.kind !== 'bcast' && medium.kind !== 'mcast') {
      problems.push({ link, why: `${medium.kind} media are not implemented by hbd (use ucast, bcast or mcast)` });
      continue;
    }
    const addresses = ipv4Of(interfaces[medium.iface]);
    if (interfaces[medium.iface] === undefined) {
      problems.push({ link, why: `interface ${medium.iface} does not exist` });
      continue;
    }
    if (addresses.length === 0) {
      problems.push({ link, why: `interface ${medium.iface} has no IPv4 address` });
      continue;
    }
    const override = options.bindAddress === undefined ? null : parseIPv4(options.bindAddress);
    const overrideNetwork = override === null ? null : (addresses.find((entry) => inNetwork(override, entry)) ?? null);
    if (medium.kind === 'ucast') {
      const peer = parseIPv4(medium.peer);
      if (peer === null) {
        problems.push({ link, why: `ucast peer ${medium.peer} is not an IPv4 address` });
        continue;
      }
      if (localAddresses.has(medium.peer)) {
        skipped.push({ link, why: `${medium.peer} is this node's own address` });
        continue;
      }
      // The address on the peer's subnet, else the interface's first address.
      const chosen = overrideNetwork ?? addresses.find((entry) => inNetwork(peer, entry)) ?? addresses[0]!;
      const bindAddress = options.bindAddress ?? chosen.address;
      resolved.push({ medium, link, kind: 'ucast', iface: medium.iface, bindAddress, destination: medium.peer, port: medium.port, network: { base: chosen.base, mask: chosen.mask } });
    } else if (medium.kind === 'bcast') {
      const chosen = overrideNetwork ?? addresses[0]!;
      const bindAddress = options.bindAddress ?? chosen.address;
      const broadcast = formatIPv4((chosen.base | (~chosen.mask >>> 0)) >>> 0);
      resolved.push({ medium, link, kind: 'bcast', iface: medium.iface, bindAddress, destination: broadcast, port: medium.port, network: { base: chosen.base, mask: chosen.mask } });
    } else {
      const chosen = addresses[0]!;
      if (parseIPv4(medium.group) === null) {
        problems.push({ link, why: `mcast group ${medium.group} is not an IPv4 address` });
        continue;
      }
      resolved.push({
        medium,
        link,
        kind: 'mcast',
        iface: medium.iface,
        bindAddress: chosen.address,
        destination: medium.group,
        port: medium.port,
        network: { base: chosen.base, mask: chosen.mask },
        ttl: medium.ttl,
        loop: medium.loop,
      });
    }
  }
  return { media: resolved, skipped, problems };
}

/** Which medium a unicast packet from `remote` arriving on the socket bound to `bindAddress` belongs to. */
export function mediumForUnicast(media: readonly ResolvedMedium[], bindAddress: string, remote: string): ResolvedMedium | null {
  const candidates = media.filter((medium) => medium.kind !== 'mcast' && medium.bindAddress === bindAddress);
  const exact = candidates.find((medium) => medium.kind === 'ucast' && medium.destination === remote);
  if (exact !== undefined) return exact;
  const address = parseIPv4(remote);
  const sameNet = address === null ? undefined : candidates.find((medium) => inNetwork(address, medium.network));
  return sameNet ?? candidates[0] ?? null;
}
