// Fencing directives: Heartbeat's `stonith` and `stonith_host`, and hbd's stonith_* extensions.
// A stonith_host line is parsed as Heartbeat (and cluster-glue's STONITH library) read it: the
// first word names the node that may use the device ("*" = any, lower-cased), the second the
// device type, the rest are the device's parameters in the order its config names are listed
// (the last name takes the rest of the line).

import type { DirectiveContext, DirectiveSpec } from './directive-spec';
import { timeInto, words } from './directive-spec';
import type { StonithDevice, StonithDriver } from './model';
import type { Token } from './text-lines';
import { isNodeName } from './directives-core';

/**
 * cluster-glue's compiled-in STONITH types that hbd cannot drive, with the closest thing hbd
 * can: the external plugin for the same kind of device (or meatware).
 */
export const UNSUPPORTED_STONITH_TYPES: Readonly<Record<string, string>> = {
  apcmaster: 'external/rackpdu',
  apcmastersnmp: 'external/rackpdu',
  apcsmart: 'external/rackpdu',
  baytech: 'external/rackpdu',
  bladehpi: 'external/ipmi',
  cyclades: 'external/rackpdu',
  drac3: 'external/drac5',
  ibmhmc: 'external/hmchttp',
  ipmilan: 'external/ipmi',
  nw_rpc100s: 'external/rackpdu',
  rcd_serial: 'meatware',
  rhcs: 'an external/ plugin that calls the fence_* agent',
  riloe: 'external/riloe',
  rps10: 'external/rackpdu',
  vacm: 'external/ipmi',
  wti_mpc: 'external/rackpdu',
  wti_nps: 'external/rackpdu',
  // These two claim success without fencing anything: hbd never says "fenced" without proof.
  null: 'meatware (an operator confirms with hbctl fence confirm)',
  suicide: 'meatware (an operator confirms with hbctl fence confirm)',
};

const SYNTAX_HINT = 'stonith_host <node|*> <type> <parameters…>, e.g. "stonith_host * external/ipmi node2 10.0.0.12 admin secret lan"';

/** The hostlist parameter of ssh and meatware: node names, blank-separated (one or more words). */
function hostList(ctx: DirectiveContext, type: Token, params: readonly Token[]): string[] | undefined {
  if (params.length === 0) {
    ctx.report('HB_CFG_STONITH_PARAMS', type, `${type.text} needs the list of nodes it can fence (its hostlist parameter)`, `stonith_host * ${type.text} node1 node2`);
    return undefined;
  }
  for (const p of params) {
    if (!isNodeName(p.text.toLowerCase())) {
      ctx.report('HB_CFG_STONITH_PARAMS', p, `${type.text}: "${p.text}" is not a node name`, `the parameters of ${type.text} are the nodes it can fence`);
      return undefined;
    }
  }
  return params.map((p) => p.text.toLowerCase());
}

function parseStonithHost(ctx: DirectiveContext, rest: Token): void {
  const fields = words(rest);
  const [host, type, ...params] = fields;
  if (host === undefined || type === undefined) {
    ctx.report('HB_CFG_BAD_SYNTAX', host ?? ctx.directiveLocation, 'stonith_host needs a node (or *) and a device type', SYNTAX_HINT);
    return;
  }
  const hostFrom = host.text.toLowerCase();
  if (hostFrom !== '*' && !isNodeName(hostFrom)) {
    ctx.report('HB_CFG_BAD_NODE_NAME', host, `stonith_host: "${host.text}" is neither "*" nor a node name`, SYNTAX_HINT);
    return;
  }
  let driver: StonithDriver;
  let plugin: string | undefined;
  let hosts: string[] | undefined;
  if (type.text.startsWith('external/')) {
    plugin = type.text.slice('external/'.length);
    if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(plugin)) {
      ctx.report('HB_CFG_STONITH_PARAMS', type, `"${type.text}" does not name an external plugin file`, 'external/<name>, where <name> is an executable in /usr/lib/stonith/plugins/external (e.g. external/ipmi)');
      return;
    }
    driver = plugin === 'ssh' ? 'ssh' : 'external';
    if (driver === 'ssh') {
      hosts = hostList(ctx, type, params);
      if (hosts === undefined) return;
    }
  } else if (type.text === 'ssh' || type.text === 'meatware') {
    driver = type.text;
    hosts = hostList(ctx, type, params);
    if (hosts === undefined) return;
  } else if (type.text in UNSUPPORTED_STONITH_TYPES) {
    driver = 'unsupported';
    ctx.report(
      'HB_CFG_STONITH_UNSUPPORTED',
      type,
      `hbd cannot drive STONITH type "${type.text}": every fence through this line fails, so the groups of a dead node wait for an operator`,
      `use ${UNSUPPORTED_STONITH_TYPES[type.text] as string} instead (see docs/reference/ha.cf.md#stonith_host)`,
    );
  } else {
    ctx.report(
      'HB_CFG_STONITH_UNKNOWN_TYPE',
      type,
      `unknown STONITH type "${type.text}" (Heartbeat: "Invalid Stonith type")`,
      'use external/<plugin> (a cluster-glue external plugin, e.g. external/ipmi), ssh or meatware',
    );
    return;
  }
  const device: StonithDevice = {
    hostFrom,
    type: type.text,
    driver,
    ...(plugin !== undefined && driver === 'external' ? { plugin } : {}),
    params: params.map((p) => p.text),
    ...(hosts !== undefined ? { hosts } : {}),
    raw: rest.text.trim(),
    location: ctx.at(host),
  };
  ctx.settings.stonithHosts.push({ value: rest.text.trim(), location: ctx.at(rest), raw: rest.text });
  ctx.settings.stonithDevices.push(device);
}

export const STONITH_DIRECTIVES: readonly DirectiveSpec[] = [
  {
    name: 'stonith',
    kind: 'line',
    section: 'failover',
    syntax: 'type config-file',
    defaultText: 'none',
    support: 'not-implemented',
    repeat: 'accumulates',
    summary: 'Legacy STONITH device described in a separate file.',
    heartbeat: 'The file holds the device\'s parameters on one line. Unknown type or bad file: configuration error.',
    hbd: 'Accepted but not used (warning): write the same device as a stonith_host line.',
    example: 'stonith baytech /etc/ha.d/conf/stonith.baytech',
    apply(ctx, rest) {
      const fields = words(rest);
      if (fields.length === 0) {
        ctx.report('HB_CFG_BAD_SYNTAX', ctx.directiveLocation, 'stonith needs a device type and a configuration file', 'stonith <type> <config-file>');
        return;
      }
      ctx.notImplemented(
        'stonith <type> <file> is accepted but hbd does not read STONITH configuration files',
        `write "stonith_host * ${fields[0]?.text ?? '<type>'} <the parameters from the file>" instead`,
      );
    },
  },
  {
    name: 'stonith_host',
    kind: 'line',
    section: 'failover',
    syntax: 'node|* type parameters…',
    defaultText: 'none',
    support: 'implemented',
    repeat: 'accumulates',
    summary: 'A STONITH (fencing) device, and which node may use it to reset others.',
    heartbeat: 'Lines for other nodes are skipped; the last usable line is the device. Unknown type or bad parameters: configuration error. With a device, a dead node is reset before its groups are taken over; a failed reset is retried every 5 s.',
    hbd:
      'Every line whose node is this node or * is a device, tried in file order; the device must be able to fence the victim ' +
      '(external: its gethosts output, ssh/meatware: their host list). Types: external/<plugin> (cluster-glue external plugins, ' +
      'e.g. external/ipmi, external/libvirt), ssh and external/ssh (hbd reboots the node over SSH: labs only, it cannot fence a node ' +
      'it cannot reach), meatware (an operator power-cycles the node and runs hbctl fence confirm). Other Heartbeat types: ' +
      'warning, and fencing through them fails. A node is "fenced" only on the device\'s proof (exit 0, reboot seen, operator).',
    example: 'stonith_host * external/ipmi node2 10.0.0.12 admin secret lan',
    apply: parseStonithHost,
  },
  {
    name: 'stonith_timeout',
    kind: 'option',
    section: 'failover',
    syntax: 'time',
    defaultText: '60',
    support: 'extension',
    repeat: 'last-wins',
    summary: 'How long one fencing device operation (gethosts, reset) may take before hbd kills it and counts it failed.',
    heartbeat: 'Not a Heartbeat directive (a hung STONITH plugin blocks Heartbeat\'s reset for good).',
    hbd: 'A timed-out reset is a failed fence: the next device is tried, then the fence is retried 5 s later. Does not apply to meatware, which waits for the operator.',
    example: 'stonith_timeout 90',
    apply: timeInto('stonithTimeoutMs', 'positive'),
  },
  {
    name: 'stonith_delay',
    kind: 'option',
    section: 'failover',
    syntax: 'time',
    defaultText: '0',
    support: 'extension',
    repeat: 'last-wins',
    summary: 'A node that holds no group waits this long before it fences a peer.',
    heartbeat: 'Not a Heartbeat directive: after a heartbeat-link cut both nodes reset each other at once.',
    hbd: 'After a heartbeat-link cut both sides fence; with a delay the side that runs the groups fences first and keeps them running. Recommended for two-node clusters (e.g. 5).',
    example: 'stonith_delay 5',
    apply: timeInto('stonithDelayMs', 'non-negative'),
  },
  {
    name: 'stonith_plugin_dir',
    kind: 'option',
    section: 'failover',
    syntax: 'directory',
    defaultText: 'none',
    support: 'extension',
    repeat: 'last-wins',
    summary: 'A directory searched for external STONITH plugins before /usr/lib/stonith/plugins/external.',
    heartbeat: 'Not a Heartbeat directive (the plugin directory is compiled in).',
    hbd: 'Searched first; then /usr/lib/stonith/plugins/external, then the plugins bundled with hbd. A plugin must be a regular executable file not writable by group or others (as cluster-glue requires).',
    example: 'stonith_plugin_dir /etc/ha.d/stonith',
    apply(ctx, token) {
      if (!token.text.startsWith('/')) {
        ctx.report('HB_CFG_BAD_PATH', token, `stonith_plugin_dir "${token.text}" is not an absolute path`, 'e.g. stonith_plugin_dir /etc/ha.d/stonith');
        return;
      }
      ctx.setSingle('stonithPluginDir', token, token.text);
    },
  },
];
