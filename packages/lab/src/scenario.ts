// One description of a cluster, from which every manager's configuration is written: the nodes
// (the first is the group's preferred node), the floating address (VIP), the service that goes
// with it, Heartbeat's timers, the ping node, auto_failback and the medium. Pure: no I/O, so the
// adapters' config writers can be unit-tested.

export type ServiceKind = 'none' | 'dummy' | 'http';
export type MediumKind = 'ucast' | 'bcast' | 'mcast';

export interface ScenarioTimers {
  readonly keepaliveMs: number;
  readonly warntimeMs: number;
  readonly deadtimeMs: number;
  readonly initdeadMs: number;
  /**
   * Dead time of the ping node. Heartbeat pings once a second whatever the keepalive, so a
   * sub-second deadtime would make the ping node flap: default max(deadtime, 3 s).
   */
  readonly deadpingMs: number;
}

export interface ClusterScenario {
  /** Node names = host names (lower-case letters/digits, 1-12), 1..16 of them; the first is the preferred owner. */
  readonly nodes: readonly string[];
  /** What runs with the VIP: nothing, a Dummy state file, or a tiny HTTP responder (default dummy). */
  readonly service?: ServiceKind;
  /** Port of the HTTP responder (default 8080). */
  readonly httpPort?: number;
  readonly timers?: Partial<ScenarioTimers>;
  /** A ping node (the client namespace's address) in ha.cf, with ipfail for Heartbeat (default true). */
  readonly pingNode?: boolean;
  /** Default on (keepalived: preempt; off = nopreempt). */
  readonly autoFailback?: 'on' | 'off';
  /** Default ucast (one line per node, identical on every node; keepalived: unicast_peer). */
  readonly media?: MediumKind;
  /** Default 694. */
  readonly udpPort?: number;
  /** First three octets of the lab subnet, e.g. "10.213.7" (default derived from the pid). Lab-private only. */
  readonly subnet?: string;
  /** ha.cf `debug` level (default 0). */
  readonly debug?: number;
  /** Shared secret of authkeys (sha1) — lab-only. */
  readonly authSecret?: string;
}

export interface ScenarioNode {
  readonly name: string;
  readonly index: number;
  /** The node's own address on the lab LAN, e.g. 10.213.7.1. */
  readonly address: string;
  /** keepalived priority: the preferred node highest. */
  readonly priority: number;
}

export interface ResolvedScenario {
  readonly nodes: readonly ScenarioNode[];
  readonly service: ServiceKind;
  readonly httpPort: number;
  readonly timers: ScenarioTimers;
  readonly pingNode: boolean;
  readonly autoFailback: 'on' | 'off';
  readonly media: MediumKind;
  readonly udpPort: number;
  readonly subnet: string;
  readonly prefixLength: 24;
  readonly vip: string;
  /** The client namespace: VIP probe, ping target, load generator. */
  readonly clientAddress: string;
  readonly mcastGroup: string;
  readonly ifname: 'eth0';
  readonly debug: number;
  readonly authSecret: string;
  /** The one resource group, in haresources order (also used for the keepalived notify script). */
  readonly groupId: string;
}

export const MAX_NODES = 16;
const NAME_RE = /^[a-z][a-z0-9]{0,11}$/;

/** Defaults: sub-second failover on an idle lab, and valid for Heartbeat (deadtime > 2 × keepalive). */
export const DEFAULT_TIMERS: Omit<ScenarioTimers, 'deadpingMs'> = { keepaliveMs: 200, warntimeMs: 500, deadtimeMs: 1000, initdeadMs: 2000 };

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

export function defaultSubnet(pid: number): string {
  return `10.213.${200 + (pid % 50)}`;
}

export function resolveScenario(scenario: ClusterScenario, pid: number): ResolvedScenario {
  const names = scenario.nodes;
  if (names.length < 1 || names.length > MAX_NODES) throw new ScenarioError(`a lab cluster has 1 to ${MAX_NODES} nodes, not ${names.length}`);
  for (const name of names) {
    if (!NAME_RE.test(name)) throw new ScenarioError(`node name "${name}": 1-12 lower-case letters and digits, starting with a letter`);
    if (name === 'client') throw new ScenarioError('"client" is the name of the lab\'s client namespace');
  }
  if (new Set(names).size !== names.length) throw new ScenarioError(`node names repeat: ${names.join(' ')}`);
  const merged = { ...DEFAULT_TIMERS, ...(scenario.timers ?? {}) };
  const timers: ScenarioTimers = { ...merged, deadpingMs: scenario.timers?.deadpingMs ?? Math.max(merged.deadtimeMs, 3000) };
  checkTimers(timers);
  const subnet = scenario.subnet ?? defaultSubnet(pid);
  if (!/^10\.213\.\d{1,3}$/.test(subnet) || Number(subnet.split('.')[2]) > 255) {
    throw new ScenarioError(`subnet "${subnet}": use 10.213.N (lab-private addresses, only inside the lab's namespaces)`);
  }
  const udpPort = scenario.udpPort ?? 694;
  if (!Number.isInteger(udpPort) || udpPort < 1 || udpPort > 65535) throw new ScenarioError(`udpPort ${udpPort} is not a port`);
  const service = scenario.service ?? 'dummy';
  const httpPort = scenario.httpPort ?? 8080;
  const vip = `${subnet}.100`;
  return {
    nodes: names.map((name, index) => ({ name, index, address: `${subnet}.${index + 1}`, priority: 200 - index * 10 })),
    service,
    httpPort,
    timers,
    pingNode: scenario.pingNode ?? true,
    autoFailback: scenario.autoFailback ?? 'on',
    media: scenario.media ?? 'ucast',
    udpPort,
    subnet,
    prefixLength: 24,
    vip,
    clientAddress: `${subnet}.254`,
    mcastGroup: `239.0.213.${Number(subnet.split('.')[2]) % 250}`,
    ifname: 'eth0',
    debug: scenario.debug ?? 0,
    authSecret: scenario.authSecret ?? 'hbd-lab-secret',
    groupId: `IPaddr::${vip}/24/eth0`,
  };
}

function checkTimers(t: ScenarioTimers): void {
  for (const [key, value] of Object.entries(t)) {
    if (!Number.isInteger(value) || value <= 0) throw new ScenarioError(`${key} must be a positive whole number of milliseconds, not ${value}`);
  }
  // Heartbeat's own rules (reference §1.4), so every adapter gets a configuration Heartbeat accepts.
  if (t.deadtimeMs <= 2 * t.keepaliveMs) throw new ScenarioError(`deadtime ${t.deadtimeMs} ms must be more than 2 × keepalive (${t.keepaliveMs} ms)`);
  if (t.initdeadMs < t.deadtimeMs) throw new ScenarioError(`initdead ${t.initdeadMs} ms must be at least deadtime (${t.deadtimeMs} ms)`);
  if (t.warntimeMs >= t.deadtimeMs) throw new ScenarioError(`warntime ${t.warntimeMs} ms must be less than deadtime (${t.deadtimeMs} ms)`);
  if (t.deadpingMs <= 2 * t.keepaliveMs) throw new ScenarioError(`deadping ${t.deadpingMs} ms must be more than 2 × keepalive (${t.keepaliveMs} ms)`);
}

/** The VIP's resource token list, preferred node first: `nodea IPaddr::10.213.7.100/24/eth0 Dummy::svc`. */
export function groupResources(s: ResolvedScenario): string[] {
  const resources = [s.groupId];
  if (s.service === 'dummy') resources.push('Dummy::svc');
  if (s.service === 'http') resources.push(`labhttp::${s.httpPort}`);
  return resources;
}
