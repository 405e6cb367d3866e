// The closed list of configuration diagnostic codes. Every code here is documented in
// docs/reference/diagnostics.md and exercised by a test (both checked by tests).
// A code always has the same severity, so tools can filter on either.

import type { Severity } from './model';

export interface DiagnosticCodeInfo {
  readonly severity: Severity;
  /** One line: what the code means, for docs and `--json` consumers. */
  readonly title: string;
}

export const DIAGNOSTIC_CODES = {
  // Files and the machine (reported by @hbd/config-loader)
  HB_CFG_DIR_MISSING: { severity: 'error', title: 'the configuration directory does not exist' },
  HB_CFG_FILE_MISSING: { severity: 'error', title: 'ha.cf, haresources or authkeys is missing' },
  HB_CFG_FILE_UNREADABLE: { severity: 'error', title: 'a configuration file exists but cannot be read' },
  HB_CFG_AUTHKEYS_MODE: { severity: 'error', title: 'authkeys is readable by group or others (Heartbeat refuses to start)' },
  HB_CFG_AGENT_NOT_FOUND: { severity: 'error', title: 'no executable resource agent for a haresources resource' },
  HB_CFG_LSB_ARGS: { severity: 'warning', title: 'arguments given to an /etc/init.d script, which takes none' },
  HB_CFG_IFACE_MISSING: { severity: 'warning', title: 'a bcast/ucast/mcast interface does not exist on this machine' },
  HB_CFG_RESPAWN_NOT_EXECUTABLE: { severity: 'warning', title: 'a respawn/failfast program is not executable here' },
  HB_CFG_NODES_DISAGREE: { severity: 'error', title: 'the node directories of one cluster describe different clusters' },

  // ha.cf: lines, directives and values
  HB_CFG_UNKNOWN_DIRECTIVE: { severity: 'error', title: 'unknown ha.cf directive' },
  HB_CFG_LINE_TOO_LONG: { severity: 'error', title: 'line longer than Heartbeat\'s 5119-byte line buffer' },
  HB_CFG_MISSING_VALUE: { severity: 'warning', title: 'directive without a value (ignored, as by Heartbeat)' },
  HB_CFG_BAD_TIME: { severity: 'error', title: 'not a Heartbeat time value' },
  HB_CFG_TIME_UNUSUAL: { severity: 'warning', title: 'time value accepted by Heartbeat\'s lenient reader but probably not what was meant' },
  HB_CFG_BAD_BOOLEAN: { severity: 'error', title: 'not a Heartbeat boolean' },
  HB_CFG_BAD_NUMBER: { severity: 'error', title: 'not a whole number' },
  HB_CFG_OUT_OF_RANGE: { severity: 'error', title: 'number outside the allowed range' },
  HB_CFG_BAD_VALUE: { severity: 'error', title: 'value is not one of the allowed words' },
  HB_CFG_BAD_ADDRESS: { severity: 'error', title: 'not a valid IPv4 address, multicast group or host name' },
  HB_CFG_BAD_SYNTAX: { severity: 'error', title: 'whole-line directive with missing or malformed fields' },
  HB_CFG_BAD_NODE_NAME: { severity: 'error', title: 'node name that cannot be a host name' },
  HB_CFG_EXTRA_VALUE: { severity: 'warning', title: 'extra words that Heartbeat ignores' },
  HB_CFG_DUPLICATE_DIRECTIVE: { severity: 'warning', title: 'single-valued directive set more than once (the last value wins)' },
  HB_CFG_ONCE_ONLY: { severity: 'error', title: 'directive that may appear only once appears again' },
  HB_CFG_DUPLICATE_NODE: { severity: 'warning', title: 'node listed twice' },
  HB_CFG_DUPLICATE_PING: { severity: 'warning', title: 'ping target listed twice' },
  HB_CFG_TOO_MANY_NODES: { severity: 'error', title: 'more than 100 nodes (Heartbeat\'s MAXNODE)' },
  HB_CFG_NOT_IMPLEMENTED: { severity: 'warning', title: 'directive accepted but not implemented by hbd yet' },
  HB_CFG_DEPRECATED: { severity: 'warning', title: 'deprecated directive or value' },
  HB_CFG_UNSUPPORTED_MODE: { severity: 'error', title: 'mode that cannot work with haresources (crm/pacemaker on, autojoin)' },
  HB_CFG_UDPPORT_AFTER_MEDIA: { severity: 'warning', title: 'udpport set after bcast/ucast lines, which keep the earlier port' },
  HB_CFG_BAD_PATH: { severity: 'error', title: 'program path is not absolute' },
  HB_CFG_STONITH_UNKNOWN_TYPE: { severity: 'error', title: 'stonith_host names a STONITH type that does not exist' },
  HB_CFG_STONITH_UNSUPPORTED: { severity: 'warning', title: 'a Heartbeat STONITH type hbd cannot drive: fencing through it always fails' },
  HB_CFG_STONITH_PARAMS: { severity: 'error', title: 'stonith_host parameters missing or malformed' },
  HB_CFG_STONITH_HOST_UNKNOWN: { severity: 'warning', title: 'stonith_host names a node that is not in ha.cf (the line is never used)' },
  HB_CFG_STONITH_NO_DEVICE: { severity: 'warning', title: 'fencing is on but a node has no stonith_host line it may use' },

  // ha.cf: whole-configuration checks
  HB_CFG_NO_MEDIA: { severity: 'error', title: 'no heartbeat medium (bcast, mcast, ucast)' },
  HB_CFG_NO_NODES: { severity: 'error', title: 'no node lines' },
  HB_CFG_ONE_NODE: { severity: 'warning', title: 'only one node: nothing to fail over to' },
  HB_CFG_NO_PING: { severity: 'warning', title: 'no ping targets: a lost link cannot be told from a dead peer' },
  HB_CFG_LOCAL_NODE_NOT_LISTED: { severity: 'error', title: 'this machine\'s node name is not a node line' },
  HB_CFG_DEADTIME_TOO_SMALL: { severity: 'error', title: 'deadtime is not more than twice keepalive' },
  HB_CFG_DEADPING_TOO_SMALL: { severity: 'error', title: 'deadping is not more than twice keepalive' },
  HB_CFG_WARNTIME_TOO_SMALL: { severity: 'warning', title: 'warntime is not more than keepalive' },
  HB_CFG_WARNTIME_TOO_LARGE: { severity: 'warning', title: 'warntime is not less than deadtime' },
  HB_CFG_INITDEAD_BELOW_DEADTIME: { severity: 'error', title: 'initdead is smaller than deadtime' },
  HB_CFG_INITDEAD_SHORT: { severity: 'warning', title: 'initdead is less than twice deadtime' },

  // haresources
  HB_CFG_GROUP_NODE_UNKNOWN: { severity: 'error', title: 'a haresources line names a node that is not in ha.cf' },
  HB_CFG_EMPTY_GROUP: { severity: 'warning', title: 'a haresources line with a node but no resources' },
  HB_CFG_NO_GROUPS: { severity: 'warning', title: 'haresources defines no resource group' },
  HB_CFG_BAD_RESOURCE_TOKEN: { severity: 'error', title: 'malformed resource token' },
  HB_CFG_EMPTY_ARGUMENT: { severity: 'warning', title: 'empty `::` argument, dropped as by Heartbeat' },
  HB_CFG_DUPLICATE_RESOURCE: { severity: 'error', title: 'a resource appears twice (in one or two groups)' },
  HB_CFG_BAD_IPADDR: { severity: 'error', title: 'malformed IPaddr/IPaddr2 argument' },
  HB_CFG_AGENT_ARGS: { severity: 'error', title: 'wrong number of arguments for a well-known agent' },
  HB_CFG_CONTINUATION_SPACE: { severity: 'warning', title: 'backslash followed by blanks is not a line continuation' },

  // authkeys
  HB_CFG_AUTHKEYS_SYNTAX: { severity: 'error', title: 'authkeys line that is neither `auth N` nor `N method [key]`' },
  HB_CFG_AUTHKEYS_BAD_INDEX: { severity: 'error', title: 'key index outside 0..15' },
  HB_CFG_AUTHKEYS_BAD_METHOD: { severity: 'error', title: 'method is not sha1, md5 or crc' },
  HB_CFG_AUTHKEYS_KEY_MISSING: { severity: 'error', title: 'sha1/md5 key line without a key' },
  HB_CFG_AUTHKEYS_CRC_KEY: { severity: 'error', title: 'crc key line with a key (Heartbeat rejects the line)' },
  HB_CFG_AUTHKEYS_NO_AUTH: { severity: 'error', title: 'no `auth N` line' },
  HB_CFG_AUTHKEYS_DUPLICATE_AUTH: { severity: 'error', title: 'more than one `auth N` line' },
  HB_CFG_AUTHKEYS_AUTH_AFTER_KEY: { severity: 'error', title: '`auth N` comes after the key line N it selects' },
  HB_CFG_AUTHKEYS_KEY_NOT_FOUND: { severity: 'error', title: '`auth N` selects a key index with no key line' },
  HB_CFG_AUTHKEYS_DUPLICATE_INDEX: { severity: 'warning', title: 'two key lines with the same index (the last wins)' },
  HB_CFG_AUTHKEYS_CRC: { severity: 'warning', title: 'crc authenticates nothing' },
  HB_CFG_AUTHKEYS_KEY_TRUNCATED: { severity: 'warning', title: 'key contains blanks: only its first word is used' },
} as const satisfies Record<string, DiagnosticCodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export const ALL_DIAGNOSTIC_CODES: readonly DiagnosticCode[] = Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[];

export function severityOf(code: DiagnosticCode): Severity {
  return DIAGNOSTIC_CODES[code].severity;
}
