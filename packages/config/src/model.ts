// The normalized cluster configuration: what ha.cf + haresources + authkeys mean once parsed.
// This is the contract between @hbd/config (producer) and the core, daemon and CLI (consumers).
// Durations are milliseconds (`…Ms`), names are lower-cased as Heartbeat does.

/**
 * Where a diagnostic or a config element came from: 1-based line and column. Line 0 (column 0)
 * means the file as a whole (e.g. "no node lines"). `endColumn` is one past the last character.
 */
export interface SourceLocation {
  readonly file: string; // base name as the user knows it: "ha.cf", "haresources", "authkeys"
  readonly line: number;
  readonly column: number;
  readonly endColumn?: number;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic extends SourceLocation {
  readonly severity: Severity;
  readonly code: string; // HB_CFG_* — the closed list lives in diagnostic-codes.ts and docs/reference/
  readonly message: string;
  readonly hint?: string;
}

export type AutoFailback = 'on' | 'off' | 'legacy';

/** One heartbeat medium (a "link"). Each medium line of ha.cf is one link. */
export type Medium =
  | { readonly kind: 'ucast'; readonly iface: string; readonly peer: string; readonly port: number }
  | { readonly kind: 'bcast'; readonly iface: string; readonly port: number }
  | {
      readonly kind: 'mcast';
      readonly iface: string;
      readonly group: string;
      readonly port: number;
      readonly ttl: number;
      readonly loop: boolean;
    }
  | { readonly kind: 'serial'; readonly device: string } // accepted, not implemented (warning)
  | { readonly kind: 'ucast6' | 'mcast6'; readonly raw: string }; // accepted, not implemented (warning)

/** A ping node (`ping IP`, one target per address) or a ping group (`ping_group name IP…`, up if any member is). */
export interface PingTarget {
  readonly name: string; // the address for `ping`, the group name for `ping_group`
  readonly kind: 'ping' | 'ping_group';
  readonly addresses: readonly string[];
}

/** How an agent is called (heartbeat-3-behaviour.md §2.3, §2.4). */
export type AgentKind =
  | 'heartbeat' // <config dir>/resource.d script: `args… start|stop|status`, status judged by its output
  | 'hbd' // bundled resource-agents/: `args… start|stop|status`, status by LSB exit code
  | 'lsb'; // /etc/init.d script: `start|stop|status`, no args, status by LSB exit code

/** One resource token of a haresources line, e.g. `IPaddr::192.168.42.14/25/eth0:0`. */
export interface ResourceSpec {
  readonly token: string; // as written
  readonly name: string; // text before the first `::` ("IPaddr"); a bare IP becomes "IPaddr"
  readonly args: readonly string[]; // the `::`-separated arguments
  readonly location: SourceLocation;
  /** Filled by the resolver (config-loader), absent when parsed without a file system. */
  readonly agent?: { readonly path: string; readonly kind: AgentKind };
}

/** One haresources line: an ordered resource group. Started left to right, stopped right to left. */
export interface ResourceGroup {
  /** The group key: the first resource token as written (Heartbeat's `ip-request ipaddr=<key>`). */
  readonly id: string;
  readonly preferredNode: string;
  readonly resources: readonly ResourceSpec[];
  readonly location: SourceLocation;
}

export type AuthMethod = 'sha1' | 'md5' | 'crc';

export interface AuthKey {
  readonly index: number; // 0..15
  readonly method: AuthMethod;
  readonly key: string; // '' for crc. Never log it.
}

export interface AuthConfig {
  readonly activeIndex: number; // the `auth N` line: key used to sign outgoing packets
  readonly keys: readonly AuthKey[]; // every configured key is accepted on input
}

export interface RespawnSpec {
  readonly user: string;
  readonly command: string;
}

/**
 * How hbd drives a STONITH device type of a `stonith_host` line:
 * - external: cluster-glue's external plugin protocol (`external/<plugin>`, an executable);
 * - ssh: hbd reboots the node over SSH itself (`ssh`, `external/ssh`);
 * - meatware: an operator power-cycles the node and confirms (`hbctl fence confirm <node>`);
 * - unsupported: a Heartbeat type hbd cannot drive (baytech, null, …): accepted with a warning,
 *   and every fence through it fails, so nothing is taken over on a guess.
 */
export type StonithDriver = 'external' | 'ssh' | 'meatware' | 'unsupported';

/** One `stonith_host <hostfrom|*> <type> <params…>` line. */
export interface StonithDevice {
  /** The node that may use this device (lower-cased), or '*' for every node. */
  readonly hostFrom: string;
  /** The type as written: "external/ipmi", "meatware", "baytech". */
  readonly type: string;
  readonly driver: StonithDriver;
  /** external: the plugin's file name (the part after "external/"). */
  readonly plugin?: string;
  /** The parameters as written, in order (external: matched to the plugin's `getconfignames`). */
  readonly params: readonly string[];
  /** ssh and meatware: the nodes the device can fence (its hostlist parameter), lower-cased. */
  readonly hosts?: readonly string[];
  /** The line after "stonith_host", as written. */
  readonly raw: string;
  readonly location: SourceLocation;
}

/** Fencing settings (`stonith_host` lines and hbd's stonith_* extensions). */
export interface FencingConfig {
  readonly devices: readonly StonithDevice[];
  /** How long one device operation may take before hbd kills it and counts it failed. */
  readonly timeoutMs: number;
  /** A node that holds no group waits this long before it fences (the holder wins a fence race). */
  readonly delayMs: number;
  /** Directories searched for external plugins before /usr/lib/stonith/plugins/external. */
  readonly pluginDirs: readonly string[];
}

export interface LoggingConfig {
  readonly logfile?: string;
  readonly debugfile?: string;
  readonly logfacility?: string; // syslog facility name; 'none' disables syslog
  readonly debugLevel: number; // `debug N`, 0..255
}

export interface ClusterConfig {
  /** `cluster` directive (default "linux-ha"): packets from another cluster are dropped. */
  readonly clusterName: string;
  readonly nodes: readonly string[]; // `node` lines, lower-cased, in file order
  readonly keepaliveMs: number;
  readonly deadtimeMs: number;
  readonly warntimeMs: number;
  readonly initdeadMs: number;
  readonly deadpingMs: number;
  readonly udpPort: number;
  readonly media: readonly Medium[];
  readonly pingTargets: readonly PingTarget[];
  readonly autoFailback: AutoFailback;
  readonly groups: readonly ResourceGroup[]; // haresources, in file order
  readonly auth: AuthConfig;
  readonly logging: LoggingConfig;
  readonly respawn: readonly RespawnSpec[];
  /** Per-operation agent timeouts (hbd extension; Heartbeat has none). */
  readonly agentTimeouts: { readonly startMs: number; readonly stopMs: number; readonly statusMs: number };
  /** How many times a failed stop is retried before the group is declared unclean (Heartbeat: 10). */
  readonly stopRetriesMax: number;
  /** How often each active resource's status is checked (hbd extension, 0 = never, as Heartbeat). */
  readonly monitorIntervalMs: number;
  /** Fencing: the `stonith_host` lines as written (fencing is on when there is at least one). */
  readonly stonithHosts: readonly string[];
  /** The same lines parsed, and the stonith_* settings. Always set by the parser; absent in hand-built configs (no devices). */
  readonly fencing?: FencingConfig;
  /**
   * Digest of the part of the configuration that must be identical cluster-wide (nodes, timers,
   * groups, auth method). Carried in every packet; a mismatch is reported.
   */
  readonly digest: string;
}
