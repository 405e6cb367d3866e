// The configuration digest: FNV-1a 64-bit over the canonical text of the part of the
// configuration that must be identical on every node. It is carried in packets so that nodes
// with different configurations notice (Heartbeat never checked; its users learned the hard way).

import type { ClusterConfig } from './model';
import { utf8Bytes } from './text-lines';

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

export function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (const byte of utf8Bytes(text)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK;
  }
  return hash.toString(16).padStart(16, '0');
}

/**
 * The cluster-wide subset, as canonical JSON: nodes, timers, failback, ping targets, groups and
 * the auth method. Not included: media (each node's ucast names the *other* node), logging,
 * respawn, key material (the digest travels in clear), and agent paths (they are per machine).
 */
export function canonicalClusterText(config: Omit<ClusterConfig, 'digest'>): string {
  const activeKey = config.auth.keys.find((k) => k.index === config.auth.activeIndex);
  return JSON.stringify([
    'hbd-config-digest-v1',
    config.clusterName,
    config.nodes,
    [config.keepaliveMs, config.deadtimeMs, config.warntimeMs, config.initdeadMs, config.deadpingMs],
    config.udpPort,
    config.autoFailback,
    config.pingTargets.map((p) => [p.kind, p.name, p.addresses]),
    config.groups.map((g) => [g.id, g.preferredNode, g.resources.map((r) => [r.name, r.args])]),
    [config.auth.activeIndex, activeKey?.method ?? null],
    [config.agentTimeouts.startMs, config.agentTimeouts.stopMs, config.agentTimeouts.statusMs, config.stopRetriesMax, config.monitorIntervalMs],
  ]);
}

export function configDigest(config: Omit<ClusterConfig, 'digest'>): string {
  return fnv1a64(canonicalClusterText(config));
}
