// ha.cf directives hbd accepts for compatibility but does not act on (each gets an
// HB_CFG_NOT_IMPLEMENTED warning), and the modes that cannot work with haresources.

import type { DirectiveContext, DirectiveSpec } from './directive-spec';
import { commentHint, ignoredOption, readBoolean, readInteger, readTime, readWord, words } from './directive-spec';
import type { Token } from './text-lines';
import { parseHeartbeatBoolean } from './heartbeat-boolean';

const isBoolean = (ctx: DirectiveContext, t: Token): boolean => readBoolean(ctx, t) !== undefined;
const isPositiveTime = (ctx: DirectiveContext, t: Token): boolean => {
  const ms = readTime(ctx, t);
  if (ms === undefined) return false;
  if (ms <= 0) {
    ctx.report('HB_CFG_OUT_OF_RANGE', t, `${ctx.spec.name} must be more than 0 (got ${t.text})`, `e.g. "${ctx.spec.example}"`);
    return false;
  }
  return true;
};
const isInteger = (min: number, max: number) => (ctx: DirectiveContext, t: Token): boolean => readInteger(ctx, t, min, max) !== undefined;
const isOneOf = (list: readonly string[], caseInsensitive = false) => (ctx: DirectiveContext, t: Token): boolean =>
  readWord(ctx, t, list, caseInsensitive) !== undefined;

function respawnLike(failfast: boolean) {
  return (ctx: DirectiveContext, rest: Token): void => {
    const [user, command] = words(rest);
    const name = ctx.spec.name;
    if (user === undefined || command === undefined) {
      ctx.report('HB_CFG_BAD_SYNTAX', user ?? ctx.directiveLocation, `${name} needs a user and an absolute command`, `${name} hacluster /usr/libexec/heartbeat/ipfail`);
      return;
    }
    if (!command.text.startsWith('/')) {
      ctx.report('HB_CFG_BAD_PATH', command, `${name} command "${command.text}" is not a full path`, 'Heartbeat runs only absolute paths, e.g. /usr/libexec/heartbeat/ipfail');
      return;
    }
    const commandLine = rest.text.slice(command.column - rest.column).trim();
    ctx.settings.respawn.push({ value: { user: user.text, command: commandLine, failfast }, location: ctx.at(rest), raw: rest.text });
    const isIpfail = /(^|\/)ipfail$/.test(command.text);
    ctx.notImplemented(
      `${name} is accepted but hbd does not run ${name} programs yet: "${commandLine}" will not be started`,
      isIpfail ? 'hbd does not need ipfail: its ping quorum (the ping lines) decides failover when a node loses its network' : undefined,
    );
  };
}

const PACEMAKER_WORDS = ['respawn', 'minimal', 'manual', 'ccm-only', 'valgrind', 'auto'];

function pacemakerMode(ctx: DirectiveContext, token: Token): void {
  const b = parseHeartbeatBoolean(token.text);
  const isWord = PACEMAKER_WORDS.includes(token.text.toLowerCase());
  if (b === undefined && !isWord) {
    ctx.report('HB_CFG_BAD_VALUE', token, `${ctx.spec.name} "${token.text}" is not a boolean or one of ${PACEMAKER_WORDS.join(', ')}`, commentHint(token) ?? `hbd needs "${ctx.spec.name} off" (or no ${ctx.spec.name} line)`);
    return;
  }
  if (!ctx.setSingle('pacemaker', token, token.text)) return;
  if (b !== false) {
    ctx.report(
      'HB_CFG_UNSUPPORTED_MODE',
      token,
      `${ctx.spec.name} ${token.text} hands resources to Pacemaker: hbd manages the haresources groups only`,
      `remove the ${ctx.spec.name} line (or write "${ctx.spec.name} off")`,
    );
  }
}

export const COMPAT_DIRECTIVES: readonly DirectiveSpec[] = [
  {
    name: 'autojoin',
    kind: 'option',
    section: 'nodes',
    syntax: 'none|other|any',
    defaultText: 'none',
    support: 'implemented',
    repeat: 'last-wins',
    summary: 'Let unlisted nodes join the cluster.',
    heartbeat: 'With haresources anything but none is a configuration error ("R1 style resource management conflicts with autojoin set").',
    hbd: 'Same: only none is accepted (HB_CFG_UNSUPPORTED_MODE).',
    example: 'autojoin none',
    apply(ctx, token) {
      const word = readWord(ctx, token, ['none', 'other', 'any'], true);
      if (word === undefined) return;
      ctx.setSingle('autojoin', token, word);
      if (word !== 'none') {
        ctx.report('HB_CFG_UNSUPPORTED_MODE', token, `autojoin ${word} cannot be used with haresources: every node must be listed with a node line`, 'remove the autojoin line and list every node');
      }
    },
  },
  {
    name: 'crm',
    kind: 'option',
    section: 'pacemaker',
    syntax: 'boolean|respawn|minimal|manual|ccm-only|valgrind',
    defaultText: 'off',
    support: 'implemented',
    repeat: 'once',
    summary: 'Historical alias of pacemaker.',
    heartbeat: 'Anything "on" makes Heartbeat ignore haresources.',
    hbd: 'off is accepted silently; anything else is HB_CFG_UNSUPPORTED_MODE.',
    example: 'crm off',
    apply: pacemakerMode,
  },
  {
    name: 'pacemaker',
    kind: 'option',
    section: 'pacemaker',
    syntax: 'boolean|respawn|minimal|manual|ccm-only|valgrind',
    defaultText: 'off',
    support: 'implemented',
    repeat: 'once',
    summary: 'Run Pacemaker on top of Heartbeat instead of haresources.',
    heartbeat: 'Anything "on" makes Heartbeat ignore haresources.',
    hbd: 'off is accepted silently; anything else is HB_CFG_UNSUPPORTED_MODE.',
    example: 'pacemaker off',
    apply: pacemakerMode,
  },
  {
    name: 'crm_daemon_dir',
    kind: 'option',
    section: 'pacemaker',
    syntax: 'path',
    defaultText: '/usr/libexec/pacemaker',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Where Pacemaker daemons live.',
    heartbeat: 'Pacemaker only; must come before the pacemaker line.',
    hbd: 'Ignored (warning).',
    example: 'crm_daemon_dir /usr/libexec/pacemaker',
    apply: ignoredOption('it only matters to Pacemaker'),
  },
  {
    name: 'crmd_spawns_pengine',
    kind: 'option',
    section: 'pacemaker',
    syntax: 'boolean',
    defaultText: 'none',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Whether Pacemaker\'s crmd starts the policy engine.',
    heartbeat: 'Pacemaker only.',
    hbd: 'Ignored (warning).',
    example: 'crmd_spawns_pengine off',
    apply: ignoredOption('it only matters to Pacemaker', isBoolean),
  },
  {
    name: 'record_config_changes',
    kind: 'option',
    section: 'pacemaker',
    syntax: 'boolean',
    defaultText: 'on',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Pacemaker: log CIB changes.',
    heartbeat: 'Pacemaker only.',
    hbd: 'Ignored (warning).',
    example: 'record_config_changes on',
    apply: ignoredOption('it only matters to Pacemaker', isBoolean),
  },
  {
    name: 'record_pengine_inputs',
    kind: 'option',
    section: 'pacemaker',
    syntax: 'boolean',
    defaultText: 'on',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Pacemaker: keep policy engine inputs.',
    heartbeat: 'Pacemaker only.',
    hbd: 'Ignored (warning).',
    example: 'record_pengine_inputs on',
    apply: ignoredOption('it only matters to Pacemaker', isBoolean),
  },
  {
    name: 'enable_config_writes',
    kind: 'option',
    section: 'pacemaker',
    syntax: 'boolean',
    defaultText: 'on',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Pacemaker: write CIB changes to disk.',
    heartbeat: 'Pacemaker only.',
    hbd: 'Ignored (warning).',
    example: 'enable_config_writes on',
    apply: ignoredOption('it only matters to Pacemaker', isBoolean),
  },
  {
    name: 'watchdog',
    kind: 'option',
    section: 'failover',
    syntax: 'device',
    defaultText: 'none',
    support: 'not-implemented',
    repeat: 'once',
    summary: 'Kernel watchdog device Heartbeat keeps petting.',
    heartbeat: 'A second watchdog line: "Watchdog device multiply specified.", configuration error.',
    hbd: 'Accepted; not implemented yet (warning).',
    example: 'watchdog /dev/watchdog',
    apply(ctx, token) {
      if (!token.text.startsWith('/')) {
        ctx.report('HB_CFG_BAD_PATH', token, `watchdog device "${token.text}" is not an absolute path`, 'e.g. watchdog /dev/watchdog');
        return;
      }
      ctx.setIgnored(token);
      ctx.notImplemented('watchdog is accepted but hbd does not drive a watchdog device yet');
    },
  },
  {
    name: 'respawn',
    kind: 'line',
    section: 'processes',
    syntax: 'user /path/to/program [arguments…]',
    defaultText: 'none',
    support: 'not-implemented',
    repeat: 'accumulates',
    summary: 'A program Heartbeat starts as `user` when the cluster is up and restarts when it exits (except with code 100).',
    heartbeat: 'Unknown user, relative or non-executable path: configuration error. Mostly used for ipfail.',
    hbd: 'Kept (ClusterConfig.respawn) but not started yet (warning); hbd\'s ping quorum replaces ipfail.',
    example: 'respawn hacluster /usr/libexec/heartbeat/ipfail',
    apply: respawnLike(false),
  },
  {
    name: 'failfast',
    kind: 'line',
    section: 'processes',
    syntax: 'user /path/to/program [arguments…]',
    defaultText: 'none',
    support: 'not-implemented',
    repeat: 'accumulates',
    summary: 'Like respawn, but the machine reboots if the program dies abnormally.',
    heartbeat: 'As respawn.',
    hbd: 'Kept but not started yet (warning).',
    example: 'failfast hacluster /usr/lib/heartbeat/ccm',
    apply: respawnLike(true),
  },
  {
    name: 'apiauth',
    kind: 'line',
    section: 'processes',
    syntax: 'client [uid=user,…] [gid=group,…]',
    defaultText: 'ipfail uid=hacluster; ccm uid=hacluster; ping gid=haclient; lha-snmpagent uid=root; anon uid=root gid=haclient',
    support: 'not-implemented',
    repeat: 'accumulates',
    summary: 'Who may use Heartbeat\'s client API.',
    heartbeat: 'Needs uid= or gid=; a second line for the same client or a repeated uid=/gid=: configuration error.',
    hbd: 'Syntax checked; ignored (warning): access to hbctl\'s control socket is by its group.',
    example: 'apiauth ipfail uid=hacluster',
    apply(ctx, rest) {
      const [client, ...fields] = words(rest);
      const bad = (at: Token | undefined, why: string): void =>
        ctx.report('HB_CFG_BAD_SYNTAX', at ?? ctx.directiveLocation, `apiauth: ${why}`, 'apiauth <client> [uid=user1,user2] [gid=group1,group2]');
      if (client === undefined) return bad(undefined, 'missing client name');
      let uid = false;
      let gid = false;
      for (const f of fields) {
        if (f.text.startsWith('uid=')) {
          if (uid) return bad(f, 'duplicate uid list');
          uid = true;
        } else if (f.text.startsWith('gid=')) {
          if (gid) return bad(f, 'duplicate gid list');
          gid = true;
        } else {
          return bad(f, `"${f.text}" is neither uid=… nor gid=…`);
        }
      }
      if (!uid && !gid) return bad(client, `client ${client.text} needs uid=… or gid=…`);
      const key = `apiauth ${client.text}`;
      const previous = ctx.settings.ignored.get(key);
      if (previous !== undefined) return bad(client, `second apiauth line for client ${client.text} (line ${previous.location.line})`);
      ctx.settings.ignored.set(key, { value: rest.text.trim(), location: ctx.at(client), raw: rest.text });
      ctx.notImplemented('apiauth is accepted but ignored: hbctl access is controlled by the control socket\'s group');
    },
  },
  {
    name: 'env',
    kind: 'option',
    section: 'processes',
    syntax: 'NAME=value …',
    defaultText: 'none',
    support: 'not-implemented',
    repeat: 'accumulates',
    summary: 'Exports HA_NAME=value to respawn clients and scripts.',
    heartbeat: 'A word without "=" is an error.',
    hbd: 'Syntax checked; not passed to agents yet (warning).',
    example: 'env LANG=C',
    apply(ctx, token) {
      const eq = token.text.indexOf('=');
      if (eq <= 0) {
        ctx.report('HB_CFG_BAD_SYNTAX', token, `env "${token.text}" is not NAME=value`, commentHint(token) ?? 'env NAME=value exports HA_NAME=value');
        return;
      }
      ctx.notImplemented(`env is accepted but hbd does not export HA_${token.text.slice(0, eq)} to agents yet`);
    },
  },
  {
    name: 'realtime',
    kind: 'option',
    section: 'processes',
    syntax: 'boolean',
    defaultText: 'true',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Lock memory and run with real-time priority.',
    heartbeat: 'Boolean; in containers the lock fails harmlessly.',
    hbd: 'off: silent. on: warning, hbd (a Node.js process) does not lock memory or use SCHED_FIFO; it detects its own stalls instead.',
    example: 'realtime off',
    apply(ctx, token) {
      const b = readBoolean(ctx, token);
      if (b === undefined) return;
      ctx.setIgnored(token);
      if (b) ctx.notImplemented('realtime on is accepted but hbd does not lock memory or use real-time scheduling; it detects its own stalls instead');
    },
  },
  {
    name: 'rtprio',
    kind: 'option',
    section: 'processes',
    syntax: '1..99',
    defaultText: 'midpoint of SCHED_FIFO priorities',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Real-time priority.',
    heartbeat: 'Outside the SCHED_FIFO range: "Illegal realtime priority", configuration error.',
    hbd: 'Ignored (warning).',
    example: 'rtprio 5',
    apply: ignoredOption('hbd does not use real-time scheduling', isInteger(1, 99)),
  },
  {
    name: 'coredumps',
    kind: 'option',
    section: 'processes',
    syntax: 'boolean',
    defaultText: 'true',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Enable core dumps of Heartbeat\'s processes.',
    heartbeat: 'Boolean.',
    hbd: 'Ignored (warning).',
    example: 'coredumps true',
    apply: ignoredOption('hbd leaves core dumps to the system settings', isBoolean),
  },
  {
    name: 'coreroot',
    kind: 'option',
    section: 'processes',
    syntax: 'directory',
    defaultText: 'none',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Where core dumps go.',
    heartbeat: 'Invalid directory: configuration error.',
    hbd: 'Ignored (warning).',
    example: 'coreroot /var/lib/heartbeat/cores',
    apply: ignoredOption('hbd leaves core dumps to the system settings'),
  },
  {
    name: 'use_apphbd',
    kind: 'option',
    section: 'processes',
    syntax: 'boolean',
    defaultText: 'false',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Register with the application heartbeat daemon.',
    heartbeat: 'Boolean.',
    hbd: 'Ignored (warning).',
    example: 'use_apphbd no',
    apply: ignoredOption('hbd does not register with apphbd', isBoolean),
  },
  {
    name: 'memreserve',
    kind: 'option',
    section: 'processes',
    syntax: 'kilobytes',
    defaultText: '6500',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Memory Heartbeat preallocates.',
    heartbeat: 'Number of KB.',
    hbd: 'Ignored (warning).',
    example: 'memreserve 6500',
    apply: ignoredOption('hbd does not preallocate memory', isInteger(0, 10_000_000)),
  },
  {
    name: 'use_logd',
    kind: 'option',
    section: 'logging',
    syntax: 'boolean',
    defaultText: 'yes if no logfile, debugfile or logfacility is set, else no',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Send messages through the ha_logd logging daemon.',
    heartbeat: 'With no log directive and use_logd off: configuration error.',
    hbd: 'off: silent. on: warning, hbd writes logfile, debugfile and syslog itself.',
    example: 'use_logd no',
    apply(ctx, token) {
      const b = readBoolean(ctx, token);
      if (b === undefined) return;
      ctx.setIgnored(token);
      if (b) ctx.notImplemented('use_logd on is accepted but hbd does not talk to ha_logd: it writes logfile, debugfile and syslog itself', 'set logfile or logfacility');
    },
  },
  {
    name: 'conn_logd_time',
    kind: 'option',
    section: 'logging',
    syntax: 'time',
    defaultText: '60',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'How often to try reconnecting to ha_logd.',
    heartbeat: 'Must be more than 0.',
    hbd: 'Ignored (warning).',
    example: 'conn_logd_time 60',
    apply: ignoredOption('hbd does not use ha_logd', isPositiveTime),
  },
  {
    name: 'syslogmsgfmt',
    kind: 'option',
    section: 'logging',
    syntax: 'boolean',
    defaultText: 'true',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Write log files in syslog line format.',
    heartbeat: 'Boolean.',
    hbd: 'Ignored (warning): hbd has one log line format.',
    example: 'syslogmsgfmt true',
    apply: ignoredOption('hbd has one log line format', isBoolean),
  },
  {
    name: 'log_badpack',
    kind: 'option',
    section: 'logging',
    syntax: 'boolean',
    defaultText: 'true',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Log malformed or unauthenticated packets.',
    heartbeat: 'Boolean.',
    hbd: 'Ignored (warning): hbd counts bad packets and logs them rate-limited.',
    example: 'log_badpack false',
    apply: ignoredOption('hbd counts bad packets and logs them rate-limited', isBoolean),
  },
  {
    name: 'hbgenmethod',
    kind: 'option',
    section: 'heartbeat-internals',
    syntax: 'file|time',
    defaultText: 'file',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'How the generation (restart counter) is kept.',
    heartbeat: 'Other values: "Illegal hb generation method", configuration error.',
    hbd: 'file: silent (what hbd does). time: warning, hbd always keeps the generation in a file.',
    example: 'hbgenmethod file',
    apply(ctx, token) {
      const word = readWord(ctx, token, ['file', 'time'], false);
      if (word === undefined) return;
      ctx.setIgnored(token);
      if (word === 'time') ctx.notImplemented('hbgenmethod time is accepted but hbd always keeps its generation in a file');
    },
  },
  {
    name: 'uuidfrom',
    kind: 'option',
    section: 'heartbeat-internals',
    syntax: 'file|nodename',
    defaultText: 'file',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Where the node UUID comes from.',
    heartbeat: 'Other values: "Invalid uuidfrom directive", configuration error.',
    hbd: 'Ignored (warning): hbd identifies nodes by node name and keeps no UUID.',
    example: 'uuidfrom file',
    apply: ignoredOption('hbd identifies nodes by node name and keeps no UUID', isOneOf(['file', 'nodename'])),
  },
  {
    name: 'msgfmt',
    kind: 'option',
    section: 'heartbeat-internals',
    syntax: 'classic|netstring',
    defaultText: 'classic',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Heartbeat\'s message format (no effect on UDP in 3.0.6).',
    heartbeat: 'Other values: configuration error.',
    hbd: 'Ignored (warning): hbd has its own versioned wire format.',
    example: 'msgfmt classic',
    apply: ignoredOption('hbd has its own versioned wire format', isOneOf(['classic', 'netstring'])),
  },
  {
    name: 'compression',
    kind: 'option',
    section: 'heartbeat-internals',
    syntax: 'zlib|bz2',
    defaultText: 'zlib',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Compression module for large messages.',
    heartbeat: 'Unknown module: configuration error.',
    hbd: 'Ignored (warning): hbd messages are small.',
    example: 'compression zlib',
    apply: ignoredOption('hbd messages are small and never compressed', isOneOf(['zlib', 'bz2'])),
  },
  {
    name: 'compression_threshold',
    kind: 'option',
    section: 'heartbeat-internals',
    syntax: 'kilobytes',
    defaultText: '2',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Messages above this size are compressed.',
    heartbeat: '≤ 0: configuration error.',
    hbd: 'Ignored (warning).',
    example: 'compression_threshold 2',
    apply: ignoredOption('hbd messages are small and never compressed', isInteger(1, 1_000_000)),
  },
  {
    name: 'traditional_compression',
    kind: 'option',
    section: 'heartbeat-internals',
    syntax: 'boolean',
    defaultText: 'no',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Compress whole messages.',
    heartbeat: 'Boolean.',
    hbd: 'Ignored (warning).',
    example: 'traditional_compression no',
    apply: ignoredOption('hbd messages are small and never compressed', isBoolean),
  },
  {
    name: 'max_rexmit_delay',
    kind: 'option',
    section: 'heartbeat-internals',
    syntax: 'milliseconds',
    defaultText: '250',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Upper bound of the random delay before answering a retransmission request.',
    heartbeat: '≤ 0: "Invalid max_rexmit_delay time", configuration error.',
    hbd: 'Ignored (warning): hbd does not use Heartbeat\'s retransmission protocol.',
    example: 'max_rexmit_delay 250',
    apply: ignoredOption('hbd does not use Heartbeat\'s retransmission protocol', isInteger(1, 1_000_000)),
  },
  {
    name: 'quorum_server',
    kind: 'option',
    section: 'heartbeat-internals',
    syntax: 'host',
    defaultText: 'none',
    support: 'not-implemented',
    repeat: 'last-wins',
    summary: 'Quorum server for Heartbeat\'s CCM.',
    heartbeat: 'Any word (it also overwrites the cluster name, a Heartbeat bug).',
    hbd: 'Ignored (warning): hbd\'s quorum comes from ping targets.',
    example: 'quorum_server qs.example.com',
    apply: ignoredOption('hbd\'s quorum comes from its ping targets'),
  },
];
