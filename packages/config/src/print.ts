// The printer: a ClusterConfig back to ha.cf, haresources and authkeys text that parses to the
// same configuration. Used to write canonical files and by the print → parse round-trip test.

import type { ClusterConfig, Medium } from './model';
import { formatHeartbeatTime } from './heartbeat-time';
import { DEFAULT_UDP_PORT } from './directives-media';
import { DEFAULTS } from './cluster-config';

export interface PrintedConfig {
  readonly haCf: string;
  readonly haresources: string;
  readonly authkeys: string;
}

function mediumLine(m: Medium): string {
  switch (m.kind) {
    case 'ucast':
      return `ucast ${m.iface} ${m.peer}`;
    case 'bcast':
      return `bcast ${m.iface}`;
    case 'mcast':
      return `mcast ${m.iface} ${m.group} ${m.port} ${m.ttl} ${m.loop ? 1 : 0}`;
    case 'serial':
      return `serial ${m.device}`;
    case 'ucast6':
    case 'mcast6':
      return `${m.kind} ${m.raw}`;
  }
}

export function printHaCf(c: ClusterConfig): string {
  const out: string[] = ['# ha.cf written by hbd', `cluster ${c.clusterName}`];
  const t = formatHeartbeatTime;
  out.push(`keepalive ${t(c.keepaliveMs)}`, `deadtime ${t(c.deadtimeMs)}`, `warntime ${t(c.warntimeMs)}`, `initdead ${t(c.initdeadMs)}`, `deadping ${t(c.deadpingMs)}`);
  // bcast/ucast take the udpport in effect when they are read, so it is written before them.
  let port = DEFAULT_UDP_PORT;
  const firstPort = c.media.find((m) => m.kind === 'ucast' || m.kind === 'bcast');
  const wanted = firstPort !== undefined && 'port' in firstPort ? firstPort.port : c.udpPort;
  if (wanted !== port) {
    out.push(`udpport ${wanted}`);
    port = wanted;
  }
  for (const m of c.media) {
    if ((m.kind === 'ucast' || m.kind === 'bcast') && m.port !== port) {
      out.push(`udpport ${m.port}`);
      port = m.port;
    }
    out.push(mediumLine(m));
  }
  if (port !== c.udpPort) out.push(`udpport ${c.udpPort}`);
  if (c.nodes.length > 0) out.push(`node ${c.nodes.join(' ')}`);
  for (const p of c.pingTargets) {
    out.push(p.kind === 'ping' ? `ping ${p.name}` : `ping_group ${p.name} ${p.addresses.join(' ')}`);
  }
  out.push(`auto_failback ${c.autoFailback}`);
  if (c.logging.logfile !== undefined) out.push(`logfile ${c.logging.logfile}`);
  if (c.logging.debugfile !== undefined) out.push(`debugfile ${c.logging.debugfile}`);
  if (c.logging.logfacility !== undefined) out.push(`logfacility ${c.logging.logfacility}`);
  out.push(`debug ${c.logging.debugLevel}`);
  for (const r of c.respawn) out.push(`respawn ${r.user} ${r.command}`);
  for (const h of c.stonithHosts) out.push(`stonith_host ${h}`);
  out.push(
    `start_timeout ${t(c.agentTimeouts.startMs)}`,
    `stop_timeout ${t(c.agentTimeouts.stopMs)}`,
    `status_timeout ${t(c.agentTimeouts.statusMs)}`,
    `stop_retries ${c.stopRetriesMax}`,
    `monitor_interval ${t(c.monitorIntervalMs)}`,
  );
  if (c.fencing !== undefined) {
    if (c.fencing.timeoutMs !== DEFAULTS.stonithTimeoutMs) out.push(`stonith_timeout ${t(c.fencing.timeoutMs)}`);
    if (c.fencing.delayMs !== DEFAULTS.stonithDelayMs) out.push(`stonith_delay ${t(c.fencing.delayMs)}`);
    for (const dir of c.fencing.pluginDirs) out.push(`stonith_plugin_dir ${dir}`);
  }
  return `${out.join('\n')}\n`;
}

export function printHaresources(c: ClusterConfig): string {
  const lines = c.groups.map((g) => [g.preferredNode, ...g.resources.map((r) => r.token)].join(' '));
  return ['# haresources written by hbd', ...lines].join('\n') + '\n';
}

export function printAuthkeys(c: ClusterConfig): string {
  const lines = [`auth ${c.auth.activeIndex}`, ...c.auth.keys.map((k) => (k.method === 'crc' ? `${k.index} crc` : `${k.index} ${k.method} ${k.key}`))];
  return lines.join('\n') + '\n';
}

export function printClusterConfig(c: ClusterConfig): PrintedConfig {
  return { haCf: printHaCf(c), haresources: printHaresources(c), authkeys: printAuthkeys(c) };
}
