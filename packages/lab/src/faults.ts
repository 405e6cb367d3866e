// Fault injection on lab nodes, by PID and inside the lab's own namespaces only:
//   signals      kill -9, SIGSTOP/SIGCONT of given PIDs
//   link         the node's cable: the switch-side veth end down/up (the node's interface stays
//                up, without carrier), or the node's own interface down/up
//   firewall     nftables in the node's namespace: drop everything to/from chosen peers
//                (partition), drop ICMP echo to the ping node (ping target loss)
//   netem        tc netem on the node's egress when the kernel has sch_netem; otherwise loss and
//                duplication of IPv4 packets with nftables (numgen random); delay then refused
//   agents       the Dummy agent's fault switches (HBD_DUMMY_FAIL, HBD_DUMMY_DELAY_MS) in the
//                node's /etc/ha.d/lab-agent-faults.env, read by every call

import { runCommand } from '@hbd/testkit';
import type { ClusterNode } from './cluster-node';
import { AGENT_FAULTS_FILE } from './ha-files';

export class LabFaultError extends Error {
  constructor(
    readonly code: 'HB_LAB_NETEM_UNAVAILABLE' | 'HB_LAB_NFT_UNAVAILABLE' | 'HB_LAB_BAD_FAULT',
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'LabFaultError';
  }
}

export function signalPids(pids: readonly number[], signal: NodeJS.Signals): number[] {
  const signalled: number[] = [];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      signalled.push(pid);
    } catch {
      /* already gone */
    }
  }
  return signalled;
}

export async function setSwitchPort(node: ClusterNode, up: boolean): Promise<void> {
  await runCommand(['ip', '-n', node.switchPort.netns, 'link', 'set', 'dev', node.switchPort.ifname, up ? 'up' : 'down']);
}

export async function setNodeLink(node: ClusterNode, up: boolean): Promise<void> {
  await runCommand(['ip', '-n', node.netns, 'link', 'set', 'dev', node.ifname, up ? 'up' : 'down']);
}

const FIREWALL_TABLE = 'hbdlab';
const NETEM_TABLE = 'hbdlab_netem';

export function firewallRuleset(ifname: string): string {
  return `table inet ${FIREWALL_TABLE} {
  set blocked { type ipv4_addr; }
  set ping_blocked { type ipv4_addr; }
  chain input {
    type filter hook input priority 0; policy accept;
    iifname "${ifname}" ip saddr @blocked drop
    iifname "${ifname}" ip saddr @ping_blocked icmp type echo-reply drop
  }
  chain output {
    type filter hook output priority 0; policy accept;
    oifname "${ifname}" ip daddr @blocked drop
    oifname "${ifname}" ip daddr @ping_blocked icmp type echo-request drop
  }
}
`;
}

async function nft(node: ClusterNode, args: readonly string[], input?: string): Promise<void> {
  try {
    await runCommand(['ip', 'netns', 'exec', node.netns, 'nft', ...args], input === undefined ? {} : { input });
  } catch (err) {
    if (err instanceof Error && /cannot run|ENOENT/.test(err.message)) throw new LabFaultError('HB_LAB_NFT_UNAVAILABLE', 'nft is not installed (Debian package nftables)');
    throw err;
  }
}

async function ensureFirewall(node: ClusterNode): Promise<void> {
  const listed = await runCommand(['ip', 'netns', 'exec', node.netns, 'nft', 'list', 'table', 'inet', FIREWALL_TABLE], { check: false });
  if (listed.code === 0) return;
  await nft(node, ['-f', '-'], firewallRuleset(node.ifname));
}

/** Drop all IPv4 traffic between `node` and these addresses (both directions, at this node). */
export async function blockPeers(node: ClusterNode, addresses: readonly string[]): Promise<void> {
  if (addresses.length === 0) return;
  await ensureFirewall(node);
  await nft(node, ['add', 'element', 'inet', FIREWALL_TABLE, 'blocked', `{ ${addresses.join(', ')} }`]);
}

export async function unblockAllPeers(node: ClusterNode): Promise<void> {
  await ensureFirewall(node);
  await nft(node, ['flush', 'set', 'inet', FIREWALL_TABLE, 'blocked']);
}

export async function setPingBlocked(node: ClusterNode, target: string, blocked: boolean): Promise<void> {
  await ensureFirewall(node);
  if (blocked) await nft(node, ['add', 'element', 'inet', FIREWALL_TABLE, 'ping_blocked', `{ ${target} }`]);
  else await nft(node, ['flush', 'set', 'inet', FIREWALL_TABLE, 'ping_blocked']);
}

export async function removeFirewall(node: ClusterNode): Promise<void> {
  await runCommand(['ip', 'netns', 'exec', node.netns, 'nft', 'delete', 'table', 'inet', FIREWALL_TABLE], { check: false });
}

export interface NetemSpec {
  readonly lossPercent?: number;
  readonly delayMs?: number;
  readonly jitterMs?: number;
  readonly duplicatePercent?: number;
}

export interface NetemApplied {
  /** tc netem, or the nftables fallback (loss and duplication only). */
  readonly method: 'netem' | 'nftables';
  readonly spec: NetemSpec;
}

function checkPercent(name: string, value: number | undefined): void {
  if (value !== undefined && !(value >= 0 && value <= 100)) throw new LabFaultError('HB_LAB_BAD_FAULT', `${name} must be 0..100, not ${value}`);
}

/** `tc qdisc replace … netem …` arguments for a spec. */
export function netemArgs(spec: NetemSpec): string[] {
  const args: string[] = [];
  if (spec.delayMs !== undefined && spec.delayMs > 0) {
    args.push('delay', `${spec.delayMs}ms`);
    if (spec.jitterMs !== undefined && spec.jitterMs > 0) args.push(`${spec.jitterMs}ms`);
  }
  if (spec.lossPercent !== undefined && spec.lossPercent > 0) args.push('loss', `${spec.lossPercent}%`);
  if (spec.duplicatePercent !== undefined && spec.duplicatePercent > 0) args.push('duplicate', `${spec.duplicatePercent}%`);
  return args;
}

/**
 * The nftables fallback: IPv4 packets leaving the node's interface (ARP is not touched). An output
 * hook, not the netdev egress hook: on a veth, a drop at egress is retried by the stack and the
 * packet still arrives, late.
 */
export function netemNftRuleset(ifname: string, spec: NetemSpec): string {
  const rules: string[] = [];
  const loss = Math.round(spec.lossPercent ?? 0);
  const dup = Math.round(spec.duplicatePercent ?? 0);
  if (loss > 0) rules.push(`    oifname "${ifname}" numgen random mod 100 < ${loss} drop`);
  if (dup > 0) rules.push(`    oifname "${ifname}" numgen random mod 100 < ${dup} dup to ip daddr device "${ifname}"`);
  return `table ip ${NETEM_TABLE} {
  chain output {
    type filter hook output priority 0; policy accept;
${rules.join('\n')}
  }
}
`;
}

let netemSupported: boolean | null = null;

/** Egress impairment of the node's interface (like `tc qdisc … netem`), replacing any earlier one. */
export async function applyNetem(node: ClusterNode, spec: NetemSpec): Promise<NetemApplied> {
  checkPercent('lossPercent', spec.lossPercent);
  checkPercent('duplicatePercent', spec.duplicatePercent);
  for (const [name, value] of [['delayMs', spec.delayMs], ['jitterMs', spec.jitterMs]] as const) {
    if (value !== undefined && !(value >= 0 && value <= 60_000)) throw new LabFaultError('HB_LAB_BAD_FAULT', `${name} must be 0..60000, not ${value}`);
  }
  await clearNetem(node);
  const args = netemArgs(spec);
  if (args.length === 0) return { method: 'netem', spec };
  if (netemSupported !== false) {
    const result = await runCommand(['ip', 'netns', 'exec', node.netns, 'tc', 'qdisc', 'replace', 'dev', node.ifname, 'root', 'netem', ...args], { check: false });
    if (result.code === 0) {
      netemSupported = true;
      return { method: 'netem', spec };
    }
    if (!/unknown|not found|No such file/i.test(result.stderr)) throw new Error(`tc netem on ${node.name}: ${result.stderr.trim()}`);
    netemSupported = false;
  }
  if ((spec.delayMs ?? 0) > 0 || (spec.jitterMs ?? 0) > 0) {
    throw new LabFaultError(
      'HB_LAB_NETEM_UNAVAILABLE',
      'this kernel has no sch_netem (CONFIG_NET_SCH_NETEM), so packets cannot be delayed; loss and duplication still work (nftables fallback)',
    );
  }
  await nft(node, ['-f', '-'], netemNftRuleset(node.ifname, spec));
  return { method: 'nftables', spec };
}

export async function clearNetem(node: ClusterNode): Promise<void> {
  await runCommand(['ip', 'netns', 'exec', node.netns, 'tc', 'qdisc', 'del', 'dev', node.ifname, 'root'], { check: false });
  await runCommand(['ip', 'netns', 'exec', node.netns, 'nft', 'delete', 'table', 'ip', NETEM_TABLE], { check: false });
}

export interface AgentFaultSpec {
  /** Which operation fails (exit 1 for start/stop, "unknown" for status). */
  readonly fail?: 'start' | 'stop' | 'status';
  /** Only this Dummy instance (default: every Dummy). */
  readonly resource?: string;
  /** Start and stop sleep this long (a hang when longer than the manager's timeout). */
  readonly delayMs?: number;
}

export function agentFaultsText(spec: AgentFaultSpec): string {
  const lines = ['# lab agent faults (read by resource.d/Dummy on every call)'];
  if (spec.resource !== undefined && !/^[A-Za-z0-9_-]+$/.test(spec.resource)) throw new LabFaultError('HB_LAB_BAD_FAULT', `resource name "${spec.resource}"`);
  if (spec.fail !== undefined) lines.push(`HBD_DUMMY_FAIL=${spec.fail}${spec.resource === undefined ? '' : `:${spec.resource}`}`, 'export HBD_DUMMY_FAIL');
  if (spec.delayMs !== undefined) {
    if (!Number.isInteger(spec.delayMs) || spec.delayMs < 0 || spec.delayMs > 3600_000) throw new LabFaultError('HB_LAB_BAD_FAULT', `delayMs must be 0..3600000, not ${spec.delayMs}`);
    lines.push(`HBD_DUMMY_DELAY_MS=${spec.delayMs}`, 'export HBD_DUMMY_DELAY_MS');
  }
  return `${lines.join('\n')}\n`;
}

export async function setAgentFaults(node: ClusterNode, spec: AgentFaultSpec): Promise<void> {
  await node.writeFile(AGENT_FAULTS_FILE, agentFaultsText(spec));
}

export async function clearAgentFaults(node: ClusterNode): Promise<void> {
  await node.writeFile(AGENT_FAULTS_FILE, agentFaultsText({}));
}
