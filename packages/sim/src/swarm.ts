// Swarm testing: each seed picks its own cluster (2–4 nodes, timers, auto_failback, ping
// targets, links, fencing) and its own fault mix (some faults disabled entirely), so a thousand
// seeds explore a thousand different corners instead of one average one.

import type { PingTarget } from '@hbd/config';
import type { AgentTiming } from './agents';
import type { ChannelConditions } from './network';
import { SimRng } from './rng';
import type { SimGroupSpec, SimTopology } from './sim-config';
import type { NodeClock } from './simulation';

export const FAULT_KINDS = [
  'partition', // the nodes split into two sides, both ways
  'oneWayPartition', // one side cannot send to the other
  'linkCut', // one medium between two nodes dies (the other medium keeps them alive)
  'flap', // a pair's links go down and up several times
  'lossy', // loss, duplication and wide delays (reordering) on a pair
  'crash', // power loss, reboot later
  'processCrash', // kill -9 of hbd only: services keep running
  'shutdown', // SIGTERM, start again later
  'pause', // SIGSTOP / VM pause, sometimes longer than deadtime
  'agentFault', // an agent fails to start, fails to stop, hangs, or is slow
  'serviceDeath', // a running service dies by itself (only with monitoring)
  'pingCut', // one node loses its ping targets
  'pingTargetDown', // a ping target dies for everyone
  'admin', // hb_standby / hb_takeover with a random scope on a random node
  'cleanup', // the operator cleans up an unclean or failed group
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface SwarmProfile {
  /** Safety phase length, in deadtimes. */
  readonly safetyDeadtimes: readonly [number, number];
}

export const PROFILES = {
  /** The CI seed list: shorter runs, same fault mix. */
  ci: { safetyDeadtimes: [2, 6] },
  /** `pnpm sim`: longer runs. */
  full: { safetyDeadtimes: [6, 16] },
} as const satisfies Record<string, SwarmProfile>;

export type ProfileName = keyof typeof PROFILES;

export interface Swarm {
  readonly seed: number;
  readonly profile: ProfileName;
  readonly topology: SimTopology;
  /** The network's normal state during the safety phase (before any fault). */
  readonly baseChannel: ChannelConditions;
  readonly clocks: Readonly<Record<string, NodeClock>>;
  readonly timing: AgentTiming;
  readonly faultWeights: Readonly<Record<FaultKind, number>>;
  /** When the safety phase ends and every fault heals. */
  readonly safetyMs: number;
  /** Time between two faults. */
  readonly faultGapMs: readonly [number, number];
  /** Probability that a fence request fails (a broken fence device). */
  readonly fenceFailP: number;
  readonly rebootAfterFenceMs: number;
  /** Nodes boot at staggered instants in [0, bootSpreadMs]. */
  readonly bootSpreadMs: number;
}

const SERVICE_TOKENS = ['nginx', 'mysqld', 'httpd', 'drbddisk::r0', 'Filesystem::/dev/drbd0::/data::ext4', 'apache2', 'postfix'];

/**
 * Faults off by default because the engine is known not to handle them yet (packages/sim/FINDINGS.md);
 * `pnpm sim --faults +kind` turns one back on. (processCrash was here until core dd156a1 added the
 * start-up probe.)
 */
export const FAULTS_OFF_BY_DEFAULT: readonly FaultKind[] = [];

export interface SwarmChoices {
  /** Fault kinds forced off (weight 0) or on (weight kept as drawn, at least 1). */
  readonly disable?: readonly FaultKind[];
  readonly enable?: readonly FaultKind[];
}

/** `+processCrash,-pause` → choices; the inverse of faultsArgument. Throws a usage message on junk. */
export function parseFaultsArgument(list: string | undefined): SwarmChoices {
  const enable: FaultKind[] = [];
  const disable: FaultKind[] = [...FAULTS_OFF_BY_DEFAULT];
  for (const item of (list ?? '').split(',').filter((x) => x !== '')) {
    const sign = item[0];
    const kind = item.slice(1) as FaultKind;
    if ((sign !== '+' && sign !== '-') || !FAULT_KINDS.includes(kind)) throw new Error(`"${item}" is not +kind or -kind with a known kind`);
    if (sign === '+') {
      enable.push(kind);
      const i = disable.indexOf(kind);
      if (i >= 0) disable.splice(i, 1);
    } else if (!disable.includes(kind)) {
      disable.push(kind);
    }
  }
  return { enable, disable };
}

/** The `--faults=` value that reproduces these choices, or '' for the default mix. */
export function faultsArgument(choices: SwarmChoices | undefined): string {
  if (choices === undefined) return '';
  const disable = choices.disable ?? FAULTS_OFF_BY_DEFAULT;
  const items = [
    ...(choices.enable ?? []).map((k) => `+${k}`),
    ...disable.filter((k) => !FAULTS_OFF_BY_DEFAULT.includes(k)).map((k) => `-${k}`),
    ...FAULTS_OFF_BY_DEFAULT.filter((k) => !disable.includes(k) && !(choices.enable ?? []).includes(k)).map((k) => `+${k}`),
  ];
  return [...new Set(items)].join(',');
}

export function swarmFor(seed: number, profile: ProfileName = 'full', choices: SwarmChoices = {}): Swarm {
  const rng = SimRng.fromSeed(seed).fork('swarm');
  const nodeCount = rng.weighted({ two: 5, three: 3, four: 2 });
  const n = nodeCount === 'two' ? 2 : nodeCount === 'three' ? 3 : 4;
  const nodes = Array.from({ length: n }, (_, i) => `master${i + 1}`);

  const keepaliveMs = rng.pick([200, 500, 1_000, 2_000]);
  const deadtimeMs = keepaliveMs * rng.int(4, 12);
  const warntimeMs = Math.min(deadtimeMs - keepaliveMs, keepaliveMs * rng.int(2, 4));
  const initdeadMs = deadtimeMs * rng.int(1, 3);
  const deadpingMs = rng.chance(0.7) ? deadtimeMs : keepaliveMs * rng.int(3, 10);

  const groupCount = rng.int(1, 3);
  const groups: SimGroupSpec[] = [];
  for (let g = 0; g < groupCount; g++) {
    const members = rng.int(1, 3);
    const tokens = [`IPaddr::10.213.${g}.${10 + rng.int(0, 200)}/24/eth0`];
    const pool = [...SERVICE_TOKENS];
    for (let m = 1; m < members; m++) tokens.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
    groups.push({ preferredNode: rng.pick(nodes), tokens });
  }

  const pingShape = rng.weighted({ none: 25, one: 50, two: 15, group: 10 });
  const pingTargets: PingTarget[] =
    pingShape === 'none'
      ? []
      : pingShape === 'one'
        ? [{ name: '10.213.99.1', kind: 'ping', addresses: ['10.213.99.1'] }]
        : pingShape === 'two'
          ? [
              { name: '10.213.99.1', kind: 'ping', addresses: ['10.213.99.1'] },
              { name: '10.213.99.2', kind: 'ping', addresses: ['10.213.99.2'] },
            ]
          : [{ name: 'gateways', kind: 'ping_group', addresses: ['10.213.99.1', '10.213.99.2'] }];

  const twoLinks = rng.chance(0.3);
  const media = twoLinks
    ? [
        { kind: 'ucast' as const, iface: 'eth1', peer: '10.213.1.2', port: 694 },
        { kind: 'bcast' as const, iface: 'eth2', port: 694 },
      ]
    : [{ kind: 'ucast' as const, iface: 'eth1', peer: '10.213.1.2', port: 694 }];

  const opScale = keepaliveMs / 1000;
  const timing: AgentTiming = {
    startMs: [Math.max(5, Math.round(50 * opScale)), Math.max(10, Math.round(800 * opScale))],
    stopMs: [Math.max(5, Math.round(30 * opScale)), Math.max(10, Math.round(500 * opScale))],
    statusMs: [2, Math.max(5, Math.round(50 * opScale))],
  };
  const opTimeoutMs = Math.max(timing.startMs[1] * 2, keepaliveMs * rng.int(2, 6));
  const monitoring = rng.chance(0.4);

  const topology: SimTopology = {
    nodes,
    keepaliveMs,
    warntimeMs,
    deadtimeMs,
    initdeadMs,
    deadpingMs,
    autoFailback: rng.weighted({ on: 45, off: 35, legacy: 20 }),
    groups,
    pingTargets,
    media,
    fencing: rng.chance(0.25),
    agentTimeouts: { startMs: opTimeoutMs, stopMs: opTimeoutMs, statusMs: Math.max(timing.statusMs[1] * 2, keepaliveMs) },
    stopRetriesMax: rng.int(0, 3),
    monitorIntervalMs: monitoring ? keepaliveMs * rng.int(2, 5) : 0,
    authMethod: rng.weighted({ sha1: 4, md5: 3, crc: 3 }),
  };

  const maxDelay = rng.pick([5, 20, Math.round(keepaliveMs / 4)]);
  const baseChannel: ChannelConditions = {
    blocked: false,
    lossP: rng.pick([0, 0, 0.01, 0.05]),
    dupP: rng.pick([0, 0, 0.01, 0.05]),
    delayMinMs: 1,
    delayMaxMs: Math.max(2, maxDelay),
  };

  const clocks: Record<string, NodeClock> = {};
  for (const node of nodes) clocks[node] = { offsetMs: rng.int(0, 1_000_000_000), driftPpm: rng.int(-200, 200) };

  const weights = {} as Record<FaultKind, number>;
  for (const kind of FAULT_KINDS) weights[kind] = rng.chance(0.75) ? rng.int(1, 10) : 0;
  if (!twoLinks) weights.linkCut = 0;
  if (!monitoring) weights.serviceDeath = 0;
  if (pingTargets.length === 0) {
    weights.pingCut = 0;
    weights.pingTargetDown = 0;
  }
  for (const k of choices.enable ?? []) weights[k] = Math.max(1, weights[k]);
  for (const k of choices.disable ?? FAULTS_OFF_BY_DEFAULT) if (!(choices.enable ?? []).includes(k)) weights[k] = 0;
  if (!twoLinks) weights.linkCut = 0;
  if (!monitoring) weights.serviceDeath = 0;
  if (pingTargets.length === 0) {
    weights.pingCut = 0;
    weights.pingTargetDown = 0;
  }
  if (FAULT_KINDS.every((k) => weights[k] === 0)) weights.crash = 1;

  const p = PROFILES[profile];
  return {
    seed,
    profile,
    topology,
    baseChannel,
    clocks,
    timing,
    faultWeights: weights,
    safetyMs: deadtimeMs * rng.int(p.safetyDeadtimes[0], p.safetyDeadtimes[1]) + initdeadMs,
    faultGapMs: [Math.round(deadtimeMs / 4), Math.round(deadtimeMs * 1.5)],
    fenceFailP: rng.pick([0, 0, 0.2, 0.5]),
    rebootAfterFenceMs: deadtimeMs * rng.int(1, 3),
    bootSpreadMs: rng.pick([0, keepaliveMs, initdeadMs]),
  };
}

/** One line that says what this seed's swarm chose (printed with every failure). */
export function describeSwarm(s: Swarm): string {
  const t = s.topology;
  const faults = FAULT_KINDS.filter((k) => s.faultWeights[k] > 0)
    .map((k) => `${k}:${s.faultWeights[k]}`)
    .join(' ');
  return [
    `${t.nodes.length} nodes, ${t.media.length} link(s), ${t.groups.length} group(s) [${t.groups.map((g) => `${g.preferredNode}:${g.tokens.length}`).join(' ')}]`,
    `keepalive ${t.keepaliveMs} warntime ${t.warntimeMs} deadtime ${t.deadtimeMs} initdead ${t.initdeadMs} deadping ${t.deadpingMs} ms`,
    `auto_failback ${t.autoFailback}, ping ${t.pingTargets.map((p) => p.name).join(',') || 'none'}, fencing ${t.fencing ? `yes (fails ${s.fenceFailP})` : 'no'}, monitor ${t.monitorIntervalMs} ms, stop retries ${t.stopRetriesMax}`,
    `faults ${faults}; safety phase ${s.safetyMs} ms`,
  ].join('; ');
}
