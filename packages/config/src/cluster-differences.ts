// What differs between two nodes' views of one cluster, field by field, for people: used when
// the configurations of several nodes are checked together (Heartbeat required identical files
// and never checked).

import type { ClusterConfig } from './model';
import { formatDurationMs } from './heartbeat-time';
import { canonicalResource } from './haresources';

export function clusterDifferences(a: ClusterConfig, b: ClusterConfig): string[] {
  const out: string[] = [];
  const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);
  const field = (name: string, x: unknown, y: unknown, show: (v: never) => string = String): void => {
    if (!same(x, y)) out.push(`${name} ${show(x as never)} vs ${show(y as never)}`);
  };
  const ms = (v: number): string => formatDurationMs(v);
  field('cluster', a.clusterName, b.clusterName);
  field('nodes', a.nodes.join(','), b.nodes.join(','));
  field('keepalive', a.keepaliveMs, b.keepaliveMs, ms);
  field('deadtime', a.deadtimeMs, b.deadtimeMs, ms);
  field('warntime', a.warntimeMs, b.warntimeMs, ms);
  field('initdead', a.initdeadMs, b.initdeadMs, ms);
  field('deadping', a.deadpingMs, b.deadpingMs, ms);
  field('udpport', a.udpPort, b.udpPort);
  field('auto_failback', a.autoFailback, b.autoFailback);
  field('ping targets', a.pingTargets.map((p) => p.name).join(','), b.pingTargets.map((p) => p.name).join(','));
  if (!same(a.pingTargets, b.pingTargets) && same(a.pingTargets.map((p) => p.name), b.pingTargets.map((p) => p.name))) out.push('ping_group members');
  const groups = (c: ClusterConfig): string[] => c.groups.map((g) => `${g.preferredNode} ${g.resources.map(canonicalResource).join(' ')}`);
  if (!same(groups(a), groups(b))) out.push('haresources groups');
  const active = (c: ClusterConfig) => c.auth.keys.find((k) => k.index === c.auth.activeIndex);
  if (!same(active(a), active(b))) out.push('authkeys: the signing key');
  else if (!same(a.auth.keys, b.auth.keys)) out.push('authkeys: the other keys');
  field('start_timeout', a.agentTimeouts.startMs, b.agentTimeouts.startMs, ms);
  field('stop_timeout', a.agentTimeouts.stopMs, b.agentTimeouts.stopMs, ms);
  field('status_timeout', a.agentTimeouts.statusMs, b.agentTimeouts.statusMs, ms);
  field('stop_retries', a.stopRetriesMax, b.stopRetriesMax);
  field('monitor_interval', a.monitorIntervalMs, b.monitorIntervalMs, ms);
  return out;
}
