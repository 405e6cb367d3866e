// From the three files to one normalized ClusterConfig: parse each, fill in Heartbeat's defaults
// (including the derived ones), then run the checks that need more than one line or file.

import type { AuthConfig, ClusterConfig, Diagnostic, ResourceGroup, SourceLocation } from './model';
import type { DiagnosticCode } from './diagnostic-codes';
import { diagnostic, hasErrors, sortDiagnostics, wholeFile } from './diagnostics';
import { parseHaCf } from './ha-cf';
import type { HaCfSettings, Located } from './ha-cf-settings';
import { parseHaresources } from './haresources';
import { parseAuthkeys } from './authkeys';
import { configDigest } from './digest';
import { formatDurationMs, formatHeartbeatTime } from './heartbeat-time';
import { DEFAULT_UDP_PORT } from './directives-media';
import { didYouMean } from './did-you-mean';

export const DEFAULTS = {
  clusterName: 'linux-ha',
  keepaliveMs: 1000,
  deadtimeMs: 30_000,
  udpPort: DEFAULT_UDP_PORT,
  autoFailback: 'legacy',
  startTimeoutMs: 120_000,
  stopTimeoutMs: 120_000,
  statusTimeoutMs: 30_000,
  stopRetriesMax: 10,
  monitorIntervalMs: 10_000,
  stonithTimeoutMs: 60_000,
  stonithDelayMs: 0,
} as const;

/** Heartbeat's warntime default: deadtime / 2 (integer milliseconds). */
export function defaultWarntimeMs(deadtimeMs: number): number {
  return Math.floor(deadtimeMs / 2);
}

/** Heartbeat's initdead default: deadtime if deadtime > 10 s, 12 s if deadtime < 6 s, else 2 × deadtime. */
export function defaultInitdeadMs(deadtimeMs: number): number {
  if (deadtimeMs > 10_000) return deadtimeMs;
  if (deadtimeMs < 6000) return 12_000;
  return 2 * deadtimeMs;
}

export interface LocalNodeInput {
  readonly name: string;
  /** Where the name came from, for messages: "uname -n", "--node", "nodeinfo". */
  readonly source: string;
}

export interface ClusterConfigInput {
  readonly haCf: string;
  readonly haresources: string;
  readonly authkeys: string;
  /** st_mode of authkeys; when given, group/world-readable is an error. */
  readonly authkeysMode?: number;
  /** Path of authkeys for the chmod hint. */
  readonly authkeysPath?: string;
  /** When given, it must be a listed node. */
  readonly localNode?: LocalNodeInput;
}

export interface ClusterConfigResult {
  /** The configuration to run with: present only when there is no error. */
  readonly config?: ClusterConfig;
  /** Best-effort view with defaults filled in, also when there are errors (for `hbctl config check`). */
  readonly normalized: ClusterConfig;
  readonly diagnostics: readonly Diagnostic[];
  /** ha.cf as parsed, with the location of every value (for checks that need the machine). */
  readonly haCfSettings: HaCfSettings;
}

export function parseClusterConfig(input: ClusterConfigInput): ClusterConfigResult {
  const haCf = parseHaCf(input.haCf);
  const haresources = parseHaresources(input.haresources);
  const authkeys = parseAuthkeys(input.authkeys, {
    ...(input.authkeysMode !== undefined ? { mode: input.authkeysMode } : {}),
    ...(input.authkeysPath !== undefined ? { path: input.authkeysPath } : {}),
  });
  const diagnostics: Diagnostic[] = [...haCf.diagnostics, ...haresources.diagnostics, ...authkeys.diagnostics];
  const normalized = assembleClusterConfig(haCf.settings, haresources.groups, authkeys.auth, input.localNode, diagnostics);
  const sorted = sortDiagnostics(diagnostics);
  const result = { normalized, diagnostics: sorted, haCfSettings: haCf.settings };
  return hasErrors(sorted) ? result : { ...result, config: normalized };
}

/** Defaults plus cross-checks over already-parsed parts; pushes its findings onto `diagnostics`. */
export function assembleClusterConfig(
  s: HaCfSettings,
  groups: readonly ResourceGroup[],
  auth: AuthConfig | undefined,
  localNode: LocalNodeInput | undefined,
  diagnostics: Diagnostic[],
): ClusterConfig {
  const report = (code: DiagnosticCode, at: SourceLocation, message: string, hint?: string): void => {
    diagnostics.push(diagnostic(code, at, message, hint));
  };
  const haCfFile = wholeFile('ha.cf');
  const where = (...candidates: (Located<unknown> | undefined)[]): SourceLocation => candidates.find((c) => c !== undefined)?.location ?? haCfFile;

  const keepaliveMs = s.keepaliveMs?.value ?? DEFAULTS.keepaliveMs;
  const deadtimeMs = s.deadtimeMs?.value ?? DEFAULTS.deadtimeMs;
  const warntimeMs = s.warntimeMs?.value ?? defaultWarntimeMs(deadtimeMs);
  const initdeadMs = s.initdeadMs?.value ?? defaultInitdeadMs(deadtimeMs);
  const deadpingMs = s.deadpingMs?.value ?? deadtimeMs;
  const fmt = formatDurationMs;

  // A directive that was written but rejected has its own error: "not set" would only repeat it.
  const written = (...names: string[]): boolean => names.some((n) => s.seen.has(n));
  const usable = s.media.filter((m) => m.value.kind === 'ucast' || m.value.kind === 'bcast' || m.value.kind === 'mcast');
  if (usable.length === 0 && !(s.media.length === 0 && written('ucast', 'bcast', 'mcast'))) {
    report(
      'HB_CFG_NO_MEDIA',
      haCfFile,
      s.media.length === 0 ? 'no heartbeat link: add a ucast, bcast or mcast line' : 'no heartbeat link hbd can use: serial and IPv6 links are not implemented',
      'e.g. "ucast eth1 10.1.1.2" (the other node\'s address on a dedicated interface)',
    );
  }
  const nodes = s.nodes.map((n) => n.value);
  if (nodes.length === 0) {
    if (!written('node')) report('HB_CFG_NO_NODES', haCfFile, 'no node lines: list every cluster node', 'e.g. "node master1 master2" (names as printed by `uname -n`)');
  } else if (nodes.length === 1) {
    report('HB_CFG_ONE_NODE', (s.nodes[0] as Located<string>).location, `only one node ("${nodes[0]}"): there is nothing to fail over to`, 'add a node line for the other machine');
  }
  if (localNode !== undefined && nodes.length > 0 && !nodes.includes(localNode.name.toLowerCase())) {
    const name = localNode.name.toLowerCase();
    const short = name.split('.')[0] as string;
    const guess = nodes.includes(short) ? short : didYouMean(name, nodes);
    report(
      'HB_CFG_LOCAL_NODE_NOT_LISTED',
      haCfFile,
      `this machine is "${name}" (from ${localNode.source}), which is not a node line (nodes: ${nodes.join(', ')})`,
      guess === short && short !== name
        ? `uname -n gives the full name: write "node ${name}", or put "${short}" in the nodeinfo file`
        : guess !== undefined
          ? `did you mean "${guess}"? Node names must match exactly`
          : `add "node ${name}", or check the configuration as one of its nodes (hbctl config check --node ${nodes[0]})`,
    );
  }

  if (deadtimeMs <= 2 * keepaliveMs) {
    report(
      'HB_CFG_DEADTIME_TOO_SMALL',
      where(s.deadtimeMs, s.keepaliveMs),
      `deadtime ${fmt(deadtimeMs)} must be more than 2 × keepalive (${fmt(keepaliveMs)})`,
      `raise deadtime above ${fmt(2 * keepaliveMs)} (it is usually 10-30 × keepalive) or lower keepalive`,
    );
  }
  if (warntimeMs <= keepaliveMs) {
    report('HB_CFG_WARNTIME_TOO_SMALL', where(s.warntimeMs, s.keepaliveMs), `warntime ${fmt(warntimeMs)} is not more than keepalive ${fmt(keepaliveMs)}: every heartbeat would be "late"`, 'keep keepalive < warntime < deadtime');
  }
  if (warntimeMs >= deadtimeMs) {
    report('HB_CFG_WARNTIME_TOO_LARGE', where(s.warntimeMs, s.deadtimeMs), `warntime ${fmt(warntimeMs)} is not less than deadtime ${fmt(deadtimeMs)}: no late-heartbeat warning comes before a node is declared dead`, 'keep keepalive < warntime < deadtime');
  }
  if (initdeadMs < deadtimeMs) {
    report('HB_CFG_INITDEAD_BELOW_DEADTIME', where(s.initdeadMs), `initdead ${fmt(initdeadMs)} is smaller than deadtime ${fmt(deadtimeMs)}`, `set initdead to at least ${fmt(2 * deadtimeMs)}`);
  } else if (initdeadMs < 2 * deadtimeMs) {
    report(
      'HB_CFG_INITDEAD_SHORT',
      where(s.initdeadMs, s.deadtimeMs),
      s.initdeadMs === undefined
        ? `initdead defaults to ${fmt(initdeadMs)}, less than 2 × deadtime (${fmt(2 * deadtimeMs)}): a slow network at boot can make a node declare its peer dead`
        : `initdead ${fmt(initdeadMs)} is less than 2 × deadtime (${fmt(2 * deadtimeMs)}): a slow network at boot can make a node declare its peer dead`,
      `initdead ${formatHeartbeatTime(2 * deadtimeMs)}`,
    );
  }
  if (s.deadpingMs !== undefined && deadpingMs <= 2 * keepaliveMs) {
    report('HB_CFG_DEADPING_TOO_SMALL', s.deadpingMs.location, `deadping ${fmt(deadpingMs)} must be more than 2 × keepalive (${fmt(keepaliveMs)})`, `raise deadping above ${fmt(2 * keepaliveMs)}`);
  }
  if (s.pingTargets.length === 0 && !written('ping', 'ping_group')) {
    report('HB_CFG_NO_PING', haCfFile, 'no ping targets: when the heartbeat link fails, both nodes will take over (split brain)', 'add "ping <gateway address>" so a node that lost the network does not take resources');
  }
  if (s.autoFailback === undefined && !written('auto_failback', 'nice_failback')) {
    report('HB_CFG_DEPRECATED', haCfFile, 'auto_failback is not set: Heartbeat\'s default is the deprecated legacy mode', 'add "auto_failback on" (or off)');
  }

  checkStonithDevices(s, nodes, report);

  for (const g of groups) {
    if (nodes.length > 0 && !nodes.includes(g.preferredNode)) {
      const guess = didYouMean(g.preferredNode, nodes);
      report(
        'HB_CFG_GROUP_NODE_UNKNOWN',
        g.location,
        `"${g.preferredNode}" is not a node in ha.cf${guess === undefined ? '' : ` (did you mean "${guess}"?)`}`,
        `the first word of each haresources line is the preferred node, one of: ${nodes.join(', ')}`,
      );
    }
  }
  if (groups.length === 0 && !diagnostics.some((d) => d.file === 'haresources' && d.severity === 'error')) {
    report('HB_CFG_NO_GROUPS', wholeFile('haresources'), 'no resource groups: hbd will only track membership', 'add a line such as "master1 IPaddr::192.168.42.14/25/eth0 nginx"');
  }

  const withoutDigest: Omit<ClusterConfig, 'digest'> = {
    clusterName: s.clusterName?.value ?? DEFAULTS.clusterName,
    nodes,
    keepaliveMs,
    deadtimeMs,
    warntimeMs,
    initdeadMs,
    deadpingMs,
    udpPort: s.udpPort?.value ?? DEFAULTS.udpPort,
    media: s.media.map((m) => m.value),
    pingTargets: s.pingTargets.map((p) => p.value),
    autoFailback: s.autoFailback?.value ?? DEFAULTS.autoFailback,
    groups,
    auth: auth ?? { activeIndex: 0, keys: [] },
    logging: {
      ...(s.logfile !== undefined ? { logfile: s.logfile.value } : {}),
      ...(s.debugfile !== undefined ? { debugfile: s.debugfile.value } : {}),
      ...(s.logfacility !== undefined ? { logfacility: s.logfacility.value } : {}),
      debugLevel: s.debugLevel?.value ?? 0,
    },
    respawn: s.respawn.filter((r) => !r.value.failfast).map((r) => ({ user: r.value.user, command: r.value.command })),
    agentTimeouts: {
      startMs: s.startTimeoutMs?.value ?? DEFAULTS.startTimeoutMs,
      stopMs: s.stopTimeoutMs?.value ?? DEFAULTS.stopTimeoutMs,
      statusMs: s.statusTimeoutMs?.value ?? DEFAULTS.statusTimeoutMs,
    },
    stopRetriesMax: s.stopRetries?.value ?? DEFAULTS.stopRetriesMax,
    monitorIntervalMs: s.monitorIntervalMs?.value ?? DEFAULTS.monitorIntervalMs,
    stonithHosts: s.stonithHosts.map((h) => h.value),
    fencing: {
      devices: s.stonithDevices,
      timeoutMs: s.stonithTimeoutMs?.value ?? DEFAULTS.stonithTimeoutMs,
      delayMs: s.stonithDelayMs?.value ?? DEFAULTS.stonithDelayMs,
      pluginDirs: s.stonithPluginDir !== undefined ? [s.stonithPluginDir.value] : [],
    },
  };
  return { ...withoutDigest, digest: configDigest(withoutDigest) };
}

/** stonith_host lines that can never be used, and nodes that could not fence when elected fencer. */
function checkStonithDevices(s: HaCfSettings, nodes: readonly string[], report: (code: DiagnosticCode, where: SourceLocation, message: string, hint?: string) => void): void {
  if (nodes.length === 0 || s.stonithHosts.length === 0) return;
  for (const device of s.stonithDevices) {
    if (device.hostFrom !== '*' && !nodes.includes(device.hostFrom)) {
      const guess = didYouMean(device.hostFrom, nodes);
      report(
        'HB_CFG_STONITH_HOST_UNKNOWN',
        device.location,
        `stonith_host: "${device.hostFrom}" is not a node in ha.cf, so no node uses this device${guess === undefined ? '' : ` (did you mean "${guess}"?)`}`,
        `the first word is the node that may use the device, or * for every node (nodes: ${nodes.join(', ')})`,
      );
    }
  }
  const without = nodes.filter((node) => !s.stonithDevices.some((d) => d.hostFrom === '*' || d.hostFrom === node));
  if (without.length > 0) {
    report(
      'HB_CFG_STONITH_NO_DEVICE',
      (s.stonithHosts[0] as Located<string>).location,
      `fencing is on (stonith_host lines) but ${without.join(', ')} may use no device: when ${without.length === 1 ? 'it is' : 'one of them is'} the node that must fence, the fence fails and the groups wait for an operator`,
      `add "stonith_host ${without[0] as string} <type> <parameters…>" or use "*" as the first word`,
    );
  }
}
