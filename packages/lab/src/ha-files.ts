// ha.cf, haresources and authkeys for a scenario: the very same three files are given to
// Heartbeat 3.0.6 and to hbd ("same ha.cf/haresources/authkeys"), identical on every node
// (a ucast line naming the node itself is harmless for both). Pure.

import { formatHeartbeatTime } from '@hbd/config';
import { groupResources, type ResolvedScenario } from './scenario';

/** Where the node's own files are (paths as seen inside the node's mount namespace). */
export const HA_DIR = '/etc/ha.d';
export const HA_LOGFILE = '/var/log/ha-log';
export const HA_DEBUGFILE = '/var/log/ha-debug';
/** Fault switches for the Dummy agent, read by resource.d/Dummy on every call (see service-scripts.ts). */
export const AGENT_FAULTS_FILE = '/etc/ha.d/lab-agent-faults.env';

export function haCf(s: ResolvedScenario): string {
  const t = s.timers;
  const media: string[] = [];
  if (s.media === 'ucast') for (const node of s.nodes) media.push(`ucast ${s.ifname} ${node.address}`);
  if (s.media === 'bcast') media.push(`bcast ${s.ifname}`);
  if (s.media === 'mcast') media.push(`mcast ${s.ifname} ${s.mcastGroup} ${s.udpPort} 1 0`);
  const lines = [
    '# Written by @hbd/lab: one scenario, identical on every node, for Heartbeat 3.0.6 and hbd alike.',
    `logfile ${HA_LOGFILE}`,
    `debugfile ${HA_DEBUGFILE}`,
    ...(s.debug > 0 ? [`debug ${s.debug}`] : []),
    `keepalive ${formatHeartbeatTime(t.keepaliveMs)}`,
    `warntime ${formatHeartbeatTime(t.warntimeMs)}`,
    `deadtime ${formatHeartbeatTime(t.deadtimeMs)}`,
    `initdead ${formatHeartbeatTime(t.initdeadMs)}`,
    // udpport must precede the media lines (Heartbeat reads it when the medium is parsed).
    `udpport ${s.udpPort}`,
    ...media,
    `auto_failback ${s.autoFailback}`,
    ...s.nodes.map((node) => `node ${node.name}`),
  ];
  if (s.pingNode) {
    lines.push(`ping ${s.clientAddress}`, `deadping ${formatHeartbeatTime(t.deadpingMs)}`);
    // Heartbeat moves groups on ping loss only through ipfail; hbd has ping quorum built in and
    // keeps the line without starting anything.
    lines.push('respawn hacluster /usr/libexec/heartbeat/ipfail', 'apiauth ipfail gid=haclient uid=hacluster');
  }
  return `${lines.join('\n')}\n`;
}

export function haresources(s: ResolvedScenario): string {
  const preferred = s.nodes[0];
  if (preferred === undefined) throw new Error('scenario without nodes');
  return `# Written by @hbd/lab: one group, preferred node first.\n${preferred.name} ${groupResources(s).join(' ')}\n`;
}

export function authkeys(s: ResolvedScenario): string {
  return `auth 1\n1 sha1 ${s.authSecret}\n`;
}
