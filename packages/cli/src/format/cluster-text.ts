// The human form of `hbctl config check`: the cluster as hbd understands it.

import { type ClusterConfig, type Medium, type ResourceSpec, formatDurationMs } from '@hbd/config';
import { columns } from './table';

export interface ClusterTextInput {
  readonly configDir: string;
  readonly cluster: ClusterConfig;
  readonly localNode: string;
  readonly localNodeSource: string;
}

const SOURCE_TEXT: Record<string, string> = { option: '--node', nodeinfo: 'nodeinfo', directory: 'the directory name', hostname: 'uname -n' };

function mediumText(m: Medium): [string, string] {
  switch (m.kind) {
    case 'ucast':
      return ['ucast', `${m.iface} → ${m.peer} udp/${m.port}`];
    case 'bcast':
      return ['bcast', `${m.iface} (broadcast) udp/${m.port}`];
    case 'mcast':
      return ['mcast', `${m.iface} → ${m.group} udp/${m.port} ttl ${m.ttl}${m.loop ? ' loop' : ''}`];
    case 'serial':
      return ['serial', `${m.device} (not used by hbd)`];
    case 'ucast6':
    case 'mcast6':
      return [m.kind, `${m.raw} (not used by hbd)`];
  }
}

function invocation(r: ResourceSpec): string {
  if (r.agent === undefined) return 'NOT FOUND';
  const args = r.agent.kind === 'lsb' ? [] : r.args;
  return [r.agent.path, ...args, '{start|stop|status}'].join(' ');
}

export function renderClusterText(input: ClusterTextInput): string {
  const c = input.cluster;
  const out: string[] = [];
  const d = formatDurationMs;
  out.push(`Cluster "${c.clusterName}" from ${input.configDir}`, `  digest ${c.digest} (the same on every node when their configurations agree)`, '');

  out.push(`Nodes (${c.nodes.length})`);
  out.push(...columns(c.nodes.map((n) => [n, n === input.localNode ? `this machine (from ${SOURCE_TEXT[input.localNodeSource] ?? input.localNodeSource})` : ''])));
  if (!c.nodes.includes(input.localNode)) out.push(`  (this machine is "${input.localNode}", not one of them)`);
  out.push('');

  out.push(`Links (${c.media.length})`);
  out.push(...(c.media.length === 0 ? ['  none'] : columns(c.media.map(mediumText))));
  out.push('');

  out.push('Timers');
  out.push(
    ...columns([
      ['keepalive', d(c.keepaliveMs), 'a heartbeat on every link'],
      ['warntime', d(c.warntimeMs), '"late heartbeat" warning'],
      ['deadtime', d(c.deadtimeMs), 'a silent node is declared dead'],
      ['initdead', d(c.initdeadMs), 'deadtime right after start'],
      ['deadping', d(c.deadpingMs), 'a silent ping target is unreachable'],
      ['monitor_interval', c.monitorIntervalMs === 0 ? 'never' : d(c.monitorIntervalMs), 'status check of running resources'],
      ['start_timeout', d(c.agentTimeouts.startMs), ''],
      ['stop_timeout', d(c.agentTimeouts.stopMs), `then up to ${c.stopRetriesMax} retries`],
      ['status_timeout', d(c.agentTimeouts.statusMs), ''],
    ]),
  );
  out.push('');

  out.push(`Ping targets (${c.pingTargets.length})`);
  out.push(...(c.pingTargets.length === 0 ? ['  none'] : columns(c.pingTargets.map((p) => (p.kind === 'ping' ? [p.name, ''] : [p.name, `group: ${p.addresses.join(', ')} (reachable if any answers)`])))));
  out.push('');

  const active = c.auth.keys.find((k) => k.index === c.auth.activeIndex);
  const logging = [
    c.logging.logfile !== undefined ? `logfile ${c.logging.logfile}` : undefined,
    c.logging.debugfile !== undefined ? `debugfile ${c.logging.debugfile}` : undefined,
    c.logging.logfacility !== undefined ? `syslog ${c.logging.logfacility}` : undefined,
    `debug ${c.logging.debugLevel}`,
  ].filter((x) => x !== undefined);
  out.push(
    ...columns(
      [
        ['auto_failback', c.autoFailback],
        ['authentication', active === undefined ? 'none' : `${active.method}, key ${active.index} (${c.auth.keys.length} key${c.auth.keys.length === 1 ? '' : 's'} accepted)`],
        ['logging', logging.join(', ')],
      ],
      '',
    ),
  );
  out.push('');

  out.push(`Resource groups (${c.groups.length}): resources start top to bottom and stop bottom to top`);
  if (c.groups.length === 0) out.push('  none');
  for (const g of c.groups) {
    out.push(`  ${g.id}  preferred node ${g.preferredNode}  (${g.location.file}:${g.location.line})`);
    out.push(...columns(g.resources.map((r, i) => [`${i + 1}.`, r.token, r.agent?.kind ?? '-', invocation(r)]), '    '));
  }
  return `${out.join('\n')}\n`;
}
