// ha.cf directives hbd implements: timers, nodes, failback, logging, and hbd's own extensions.

import type { AutoFailback } from './model';
import type { DirectiveSpec } from './directive-spec';
import { commentHint, readBoolean, readInteger, readTime, readWord, timeInto } from './directive-spec';
import { BOOLEAN_SYNTAX, parseHeartbeatBoolean } from './heartbeat-boolean';

export const MAX_NODES = 100;

export const SYSLOG_FACILITIES = [
  'auth', 'authpriv', 'cron', 'daemon', 'ftp', 'kern', 'lpr', 'mail', 'news', 'syslog', 'user', 'uucp',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7', 'none',
] as const;

/** Node names are host names (`uname -n`), lower-cased. */
export function isNodeName(name: string): boolean {
  return name.length <= 64 && /^[a-z0-9_]([a-z0-9._-]*[a-z0-9_])?$/.test(name);
}

export const CORE_DIRECTIVES: readonly DirectiveSpec[] = [
  {
    name: 'keepalive',
    kind: 'option',
    section: 'timing',
    syntax: 'time',
    defaultText: '1000ms',
    support: 'implemented',
    repeat: 'last-wins',
    summary: 'Interval between two heartbeat packets.',
    heartbeat: 'Must be more than 0, else configuration error.',
    hbd: 'Each node sends a heartbeat on every link every keepalive.',
    example: 'keepalive 2',
    apply: timeInto('keepaliveMs', 'positive'),
  },
  {
    name: 'deadtime',
    kind: 'option',
    section: 'timing',
    syntax: 'time',
    defaultText: '30000ms',
    support: 'implemented',
    repeat: 'last-wins',
    summary: 'A node is declared dead when nothing was heard from it for this long.',
    heartbeat: 'Must be ≥ 0 and more than 2 × keepalive ("Dead time [..] is too small compared to keeplive"), else configuration error.',
    hbd: 'Same rule (HB_CFG_DEADTIME_TOO_SMALL).',
    example: 'deadtime 30',
    apply: timeInto('deadtimeMs', 'non-negative'),
  },
  {
    name: 'warntime',
    kind: 'option',
    section: 'timing',
    syntax: 'time',
    defaultText: 'deadtime / 2',
    support: 'implemented',
    repeat: 'last-wins',
    summary: 'A "late heartbeat" warning is logged when nothing was heard from a node for this long.',
    heartbeat: 'Must be more than 0 ("Warn time [0] is invalid."), else configuration error. Not compared with the other timers.',
    hbd: 'Also checks keepalive < warntime < deadtime (warnings HB_CFG_WARNTIME_TOO_SMALL, HB_CFG_WARNTIME_TOO_LARGE).',
    example: 'warntime 10',
    apply: timeInto('warntimeMs', 'positive'),
  },
  {
    name: 'initdead',
    kind: 'option',
    section: 'timing',
    syntax: 'time',
    defaultText: 'deadtime if deadtime > 10 s; 12 s if deadtime < 6 s; else 2 × deadtime',
    support: 'implemented',
    repeat: 'last-wins',
    summary: 'The deadtime used right after start, before the cluster has formed (networks can be slow to come up).',
    heartbeat: 'Must be ≥ deadtime ("Initial dead time [..] is smaller than deadtime"), else configuration error; warns below 10 s.',
    hbd: 'Same error (HB_CFG_INITDEAD_BELOW_DEADTIME); warns when it is less than 2 × deadtime, as doc/ha.cf recommends (HB_CFG_INITDEAD_SHORT).',
    example: 'initdead 60',
    apply: timeInto('initdeadMs', 'non-negative'),
  },
  {
    name: 'deadping',
    kind: 'option',
    section: 'timing',
    syntax: 'time',
    defaultText: 'deadtime',
    support: 'implemented',
    repeat: 'last-wins',
    summary: 'A ping target is declared unreachable when it did not answer for this long.',
    heartbeat: 'Must be more than 2 × keepalive when set ("Ping dead time [..] is too small"), else configuration error.',
    hbd: 'Same rule (HB_CFG_DEADPING_TOO_SMALL).',
    example: 'deadping 20',
    apply: timeInto('deadpingMs', 'non-negative'),
  },
  {
    name: 'node',
    kind: 'option',
    section: 'nodes',
    syntax: 'name …',
    defaultText: 'none (at least one is required)',
    support: 'implemented',
    repeat: 'accumulates',
    summary: 'Cluster members, by their `uname -n` name. Several per line and several lines accumulate.',
    heartbeat: 'Names are lower-cased; the local node must be listed ("Current node [x] not in configuration!"); at most 100 nodes.',
    hbd: 'Same; also rejects names that cannot be host names (often a pasted "// comment") and warns on duplicates. This machine\'s name is `--node NAME` if given, else the first line of `<config dir>/nodeinfo` (Heartbeat\'s /etc/ha.d/nodeinfo), else `uname -n`.',
    example: 'node master1 master2',
    apply(ctx, token) {
      const name = token.text.toLowerCase();
      if (!isNodeName(name)) {
        ctx.report('HB_CFG_BAD_NODE_NAME', token, `node name "${token.text}" is not a host name`, commentHint(token) ?? 'node names are what `uname -n` prints on each machine');
        return;
      }
      const existing = ctx.settings.nodes.find((n) => n.value === name);
      if (existing !== undefined) {
        ctx.report('HB_CFG_DUPLICATE_NODE', token, `node "${name}" is already listed (line ${existing.location.line})`, 'list each node once (names are not case-sensitive)');
        return;
      }
      if (ctx.settings.nodes.length === MAX_NODES) {
        ctx.report('HB_CFG_TOO_MANY_NODES', token, `more than ${MAX_NODES} nodes: "${name}" is the ${MAX_NODES + 1}st`, `Heartbeat supports at most ${MAX_NODES} nodes`);
      }
      ctx.settings.nodes.push({ value: name, location: ctx.at(token), raw: token.text });
    },
  },
  {
    name: 'cluster',
    kind: 'option',
    section: 'nodes',
    syntax: 'name',
    defaultText: 'linux-ha',
    support: 'implemented',
    repeat: 'last-wins',
    summary: 'Cluster name carried in every packet; packets of another cluster are ignored.',
    heartbeat: 'Any word.',
    hbd: 'Same. Two clusters on one network must differ in cluster name, udpport or keys.',
    example: 'cluster web',
    apply(ctx, token) {
      ctx.setSingle('clusterName', token, token.text);
    },
  },
  {
    name: 'auto_failback',
    kind: 'option',
    section: 'failover',
    syntax: 'on|off|legacy (any boolean word, or legacy)',
    defaultText: 'legacy',
    support: 'implemented',
    repeat: 'last-wins',
    summary: 'on: a group moves back to its preferred node when that node returns; off: it stays where it is.',
    heartbeat: 'Case-insensitive boolean or "legacy"; anything else is a configuration error. legacy (also the default) logs a deprecation warning.',
    hbd: 'Same values; legacy, written or by default, gets HB_CFG_DEPRECATED.',
    example: 'auto_failback on',
    apply(ctx, token) {
      let value: AutoFailback | undefined;
      if (token.text.toLowerCase() === 'legacy') {
        value = 'legacy';
        ctx.report('HB_CFG_DEPRECATED', token, 'auto_failback legacy is deprecated (Heartbeat warns about it too)', 'write "auto_failback on" (or off); legacy mode cannot use hb_standby/hb_takeover');
      } else {
        const b = parseHeartbeatBoolean(token.text);
        if (b === undefined) {
          ctx.report('HB_CFG_BAD_VALUE', token, `auto_failback "${token.text}" is not on, off or legacy`, commentHint(token) ?? `use on or off (or any of ${BOOLEAN_SYNTAX}), or legacy`);
          return;
        }
        value = b ? 'on' : 'off';
      }
      ctx.setSingle('autoFailback', token, value);
    },
  },
  {
    name: 'nice_failback',
    kind: 'option',
    section: 'failover',
    syntax: 'boolean',
    defaultText: 'none',
    support: 'implemented',
    repeat: 'last-wins',
    summary: 'Obsolete predecessor of auto_failback.',
    heartbeat: 'Logs that it is obsolete and, whatever its value, means "auto_failback legacy" — or "off" if an auto_failback on|off line came earlier.',
    hbd: 'Same mapping, with HB_CFG_DEPRECATED explaining it.',
    example: 'nice_failback on',
    apply(ctx, token) {
      if (readBoolean(ctx, token) === undefined) return;
      const earlier = ctx.settings.autoFailback?.value;
      const mapped: AutoFailback = earlier === 'on' || earlier === 'off' ? 'off' : 'legacy';
      ctx.report(
        'HB_CFG_DEPRECATED',
        token,
        `nice_failback is obsolete: Heartbeat reads "nice_failback ${token.text}" as "auto_failback ${mapped}"`,
        'replace it with "auto_failback on" (or off)',
      );
      ctx.settings.autoFailback = { value: mapped, location: ctx.at(token), raw: token.text };
    },
  },
  {
    name: 'logfile',
    kind: 'option',
    section: 'logging',
    syntax: 'path',
    defaultText: 'none (/dev/null when logfacility is set)',
    support: 'implemented',
    repeat: 'last-wins',
    summary: 'File that receives every non-debug message.',
    heartbeat: 'Any path.',
    hbd: 'Same.',
    example: 'logfile /var/log/ha-log',
    apply(ctx, token) {
      ctx.setSingle('logfile', token, token.text);
    },
  },
  {
    name: 'debugfile',
    kind: 'option',
    section: 'logging',
    syntax: 'path',
    defaultText: 'none',
    support: 'implemented',
    repeat: 'last-wins',
    summary: 'File that receives every message including debug, and the output of resource agents.',
    heartbeat: 'Any path.',
    hbd: 'Same.',
    example: 'debugfile /var/log/ha-debug',
    apply(ctx, token) {
      ctx.setSingle('debugfile', token, token.text);
    },
  },
  {
    name: 'logfacility',
    kind: 'option',
    section: 'logging',
    syntax: SYSLOG_FACILITIES.join('|'),
    defaultText: 'none set (no syslog)',
    support: 'implemented',
    repeat: 'last-wins',
    summary: 'Syslog facility for messages; "none" disables syslog.',
    heartbeat: 'Unknown facility: "Log facility(x) not valid", configuration error.',
    hbd: 'Same.',
    example: 'logfacility local0',
    apply(ctx, token) {
      const word = readWord(ctx, token, SYSLOG_FACILITIES, true);
      if (word !== undefined) ctx.setSingle('logfacility', token, word);
    },
  },
  {
    name: 'debug',
    kind: 'option',
    section: 'logging',
    syntax: '0..255',
    defaultText: '0',
    support: 'implemented',
    repeat: 'last-wins',
    summary: 'Debug level; 0 is off, 1–3 are useful.',
    heartbeat: 'Outside 0..255 is a configuration error.',
    hbd: 'Same; non-numbers are an error too (Heartbeat reads them as 0).',
    example: 'debug 1',
    apply(ctx, token) {
      const n = readInteger(ctx, token, 0, 255);
      if (n !== undefined) ctx.setSingle('debugLevel', token, n);
    },
  },
  // hbd extensions: Heartbeat has no timeouts and no monitoring (heartbeat-3-behaviour.md §2.4).
  {
    name: 'start_timeout',
    kind: 'option',
    section: 'resources',
    syntax: 'time',
    defaultText: '120',
    support: 'extension',
    repeat: 'last-wins',
    summary: 'How long a resource agent may take to start before hbd kills it and counts the start as failed.',
    heartbeat: 'Not a Heartbeat directive: Heartbeat has no timeouts ("Illegal directive" if the file is given to Heartbeat).',
    hbd: 'Applies to every resource.',
    example: 'start_timeout 90',
    apply: timeInto('startTimeoutMs', 'positive'),
  },
  {
    name: 'stop_timeout',
    kind: 'option',
    section: 'resources',
    syntax: 'time',
    defaultText: '120',
    support: 'extension',
    repeat: 'last-wins',
    summary: 'How long a resource agent may take to stop before hbd kills it and counts the stop as failed.',
    heartbeat: 'Not a Heartbeat directive (a hung stop blocks Heartbeat forever).',
    hbd: 'A timed-out stop is retried like a failed one (stop_retries).',
    example: 'stop_timeout 60',
    apply: timeInto('stopTimeoutMs', 'positive'),
  },
  {
    name: 'status_timeout',
    kind: 'option',
    section: 'resources',
    syntax: 'time',
    defaultText: '30',
    support: 'extension',
    repeat: 'last-wins',
    summary: 'How long a status check may take before it counts as failed.',
    heartbeat: 'Not a Heartbeat directive.',
    hbd: 'Applies to start-time checks and to monitoring.',
    example: 'status_timeout 20',
    apply: timeInto('statusTimeoutMs', 'positive'),
  },
  {
    name: 'stop_retries',
    kind: 'option',
    section: 'resources',
    syntax: '0..1000',
    defaultText: '10',
    support: 'extension',
    repeat: 'last-wins',
    summary: 'How many times a failed stop is retried before the group is declared unclean (0: no retry).',
    heartbeat: 'Not a ha.cf directive; Heartbeat\'s ResourceManager retries 10 times (HA_STOPRETRYMAX), forever if ≤ 0.',
    hbd: 'Never retries forever: after the last retry the group is unclean and fencing/operator action follows.',
    example: 'stop_retries 5',
    apply(ctx, token) {
      const n = readInteger(ctx, token, 0, 1000);
      if (n !== undefined) ctx.setSingle('stopRetries', token, n);
    },
  },
  {
    name: 'monitor_interval',
    kind: 'option',
    section: 'resources',
    syntax: 'time',
    defaultText: '10',
    support: 'extension',
    repeat: 'last-wins',
    summary: 'How often hbd checks the status of every running resource (0: never, like Heartbeat).',
    heartbeat: 'Not a Heartbeat directive: Heartbeat never notices a service that died.',
    hbd: 'A failed check stops the group and moves it.',
    example: 'monitor_interval 15',
    apply(ctx, token) {
      const ms = readTime(ctx, token);
      if (ms !== undefined) ctx.setSingle('monitorIntervalMs', token, ms);
    },
  },
];
