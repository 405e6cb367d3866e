// keepalived 2.2.7's equivalent of a scenario (pure):
//   keepalive          -> advert_int (VRRPv3: centisecond resolution; VRRPv2 would round to whole seconds)
//   deadtime           -> down_timer_adverts = deadtime / keepalive (1..100); the master-down timer
//                         is that many adverts plus the RFC skew ((256 - priority) / 256 adverts)
//   warntime, initdead -> no equivalent (noted)
//   auto_failback on   -> preempt (keepalived's default); off -> nopreempt (all instances BACKUP)
//   preferred node     -> highest priority (200, then 190, 180, …)
//   ucast media        -> unicast_src_ip + unicast_peer; bcast/mcast -> VRRP multicast 224.0.0.18
//   ping node          -> vrrp_script pinging it (fall 2, weight -50), like ipfail moving the group
//   service            -> notify script starting/stopping the group's services on MASTER/other
//   standby            -> track_file with weight 0: writing 1 puts the instance in FAULT, which
//                         releases the VIP at once (priority-0 advert); writing 0 ends it

import type { ResolvedScenario, ScenarioNode } from './scenario';

export const KEEPALIVED_DIR = '/etc/keepalived';
export const KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf';
export const KEEPALIVED_NOTIFY = '/etc/keepalived/notify.sh';
export const KEEPALIVED_STANDBY_FILE = '/etc/keepalived/standby';
export const KEEPALIVED_LOG = '/var/log/keepalived.log';

export interface KeepalivedConf {
  readonly text: string;
  /** Where the translation is not exact, in words (for the benchmark notes). */
  readonly notes: readonly string[];
  readonly advertIntMs: number;
  readonly downTimerAdverts: number;
}

export function keepalivedConf(s: ResolvedScenario, node: ScenarioNode): KeepalivedConf {
  const notes: string[] = [];
  const advertIntMs = Math.max(10, Math.round(s.timers.keepaliveMs / 10) * 10);
  if (advertIntMs !== s.timers.keepaliveMs) notes.push(`keepalive ${s.timers.keepaliveMs} ms rounded to advert_int ${advertIntMs / 1000} s (VRRPv3 centiseconds)`);
  let downTimerAdverts = Math.round(s.timers.deadtimeMs / advertIntMs);
  if (downTimerAdverts < 1 || downTimerAdverts > 100) {
    downTimerAdverts = Math.min(100, Math.max(1, downTimerAdverts));
    notes.push(`deadtime ${s.timers.deadtimeMs} ms is outside keepalived's 1..100 adverts; using ${downTimerAdverts}`);
  }
  if (downTimerAdverts * advertIntMs !== s.timers.deadtimeMs) {
    notes.push(`deadtime ${s.timers.deadtimeMs} ms approximated as ${downTimerAdverts} × ${advertIntMs} ms`);
  }
  notes.push('master-down timer = down_timer_adverts × advert_int + skew ((256 − priority)/256 × advert_int); no warntime or initdead');
  const peers = s.nodes.filter((other) => other.name !== node.name);
  const unicast =
    s.media === 'ucast'
      ? [`    unicast_src_ip ${node.address}`, '    unicast_peer {', ...peers.map((peer) => `        ${peer.address}`), '    }']
      : [];
  const pingScript = s.pingNode
    ? [
        'vrrp_script lab_ping {',
        `    script "/bin/ping -n -q -c 1 -W 1 ${s.clientAddress}"`,
        '    interval 1',
        '    timeout 2',
        '    fall 2',
        '    rise 2',
        '    weight -50',
        '}',
        '',
      ]
    : [];
  const lines = [
    '# Written by @hbd/lab: keepalived equivalent of the scenario (see keepalived-conf.ts for the mapping).',
    'global_defs {',
    `    router_id ${node.name}`,
    '    script_user root',
    '    enable_script_security',
    '}',
    '',
    'track_file lab_standby {',
    `    file "${KEEPALIVED_STANDBY_FILE}"`,
    '    weight 0',
    '}',
    '',
    ...pingScript,
    'vrrp_instance lab_vip {',
    '    state BACKUP',
    `    interface ${s.ifname}`,
    '    virtual_router_id 51',
    `    priority ${node.priority}`,
    '    version 3',
    `    advert_int ${formatSeconds(advertIntMs)}`,
    `    down_timer_adverts ${downTimerAdverts}`,
    ...(s.autoFailback === 'off' ? ['    nopreempt'] : []),
    ...unicast,
    '    virtual_ipaddress {',
    `        ${s.vip}/${s.prefixLength} dev ${s.ifname}`,
    '    }',
    '    track_file {',
    '        lab_standby',
    '    }',
    ...(s.pingNode ? ['    track_script {', '        lab_ping', '    }'] : []),
    `    notify ${KEEPALIVED_NOTIFY}`,
    '}',
  ];
  return { text: `${lines.join('\n')}\n`, notes, advertIntMs, downTimerAdverts };
}

function formatSeconds(ms: number): string {
  return (ms / 1000).toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}
