// The benchmark's JSON document (bench-results/bench-<timestamp>.json). Version it when a field
// changes meaning.

import type { ManagerKind } from '../adapters';
import type { ScenarioTimers } from '../scenario';
import type { Summary } from '../stats';
import type { BenchOptions, FaultKind } from './options';

export const BENCH_RESULTS_VERSION = 1;

export interface ManagerInfo {
  readonly kind: ManagerKind;
  readonly title: string;
  readonly available: boolean;
  readonly version: string;
  readonly reason: string;
  readonly notes: readonly string[];
}

/** One measurement of one failover cycle; null = not measured (the error says why). */
export interface FailoverCycle {
  readonly run: number;
  readonly fault: FaultKind;
  /** Fault → first ARP answer from the survivor. */
  readonly failoverMs: number | null;
  /** How long two MACs answered at once, from the fault until the old node was rebooted. */
  readonly dualOwnerMs: number;
  /** ARP rounds answered by two MACs, per phase of the cycle (the invariant: all zero). */
  readonly dualOwnerRounds: Readonly<Record<CyclePhase, number>>;
  /** Manager started on the rebooted preferred node → its MAC answers alone. */
  readonly failbackMs: number | null;
  /** During failback: last answer from the survivor → first from the preferred node. */
  readonly failbackOutageMs: number | null;
  /** Standby command on the owner → the other node answers alone. */
  readonly standbyMs: number | null;
  readonly standbyOutageMs: number | null;
  /** Takeover command on the preferred node → it answers alone again. */
  readonly takeoverMs: number | null;
  /**
   * hbd only, from the survivor's failover timeline: (silence when the peer was declared dead −
   * deadtime) + (first agent start − declaration). What hbd adds to deadtime and the agents.
   */
  readonly overheadMs: number | null;
  /** hbd only: first agent start → the VIP answers. */
  readonly agentToVipMs: number | null;
  readonly errors: readonly string[];
}

export type CyclePhase = 'failover' | 'failback' | 'standby' | 'takeover';
export const CYCLE_PHASES: readonly CyclePhase[] = ['failover', 'failback', 'standby', 'takeover'];

export type MetricName = 'crash' | 'kill' | 'link' | 'failback' | 'failbackOutage' | 'standby' | 'standbyOutage' | 'takeover' | 'overhead' | 'agentToVip';

export interface FailoverResult {
  readonly timers: ScenarioTimers;
  readonly cycles: readonly FailoverCycle[];
  readonly summary: Partial<Record<MetricName, Summary | null>>;
  /** Cycles (per fault) in which two MACs answered at once after the fault. */
  readonly dualOwnerCycles: Partial<Record<FaultKind, number>>;
  /** Cycles in which two MACs answered at once during failback, standby or takeover. */
  readonly dualOwnerCyclesByPhase: Partial<Record<CyclePhase, number>>;
  readonly failedCycles: number;
  readonly error: string | null;
}

export interface FalseDeathResult {
  readonly seconds: number;
  readonly timers: ScenarioTimers;
  readonly loadWorkers: number;
  /** Peer-death lines in the managers' logs during the window (all nodes). */
  readonly peerDeaths: number;
  /** Owner changes seen by the VIP probe (rounds answered by another node than the owner). */
  readonly vipMoves: number;
  readonly dualOwnerRounds: number;
  readonly unansweredRounds: number;
  readonly probeRounds: number;
  readonly error: string | null;
}

export interface NodeUsage {
  readonly node: string;
  readonly cpuSeconds: number;
  /** Of cpuSeconds: the manager's short-lived children (agents' status checks, ping, scripts). */
  readonly childCpuSeconds: number;
  readonly cpuPercent: number;
  /** Largest RSS of the whole tree (daemon, helpers, agents running at the sample). */
  readonly rssMiB: number;
  /** Largest RSS of the daemon's main process alone. */
  readonly mainRssMiB: number;
  readonly pssMiB: number | null;
  readonly processes: number;
}

export interface IdleResult {
  readonly seconds: number;
  readonly timers: ScenarioTimers;
  readonly nodes: readonly NodeUsage[];
  /** For hbd: RSS of an idle `node -e` with one timer on the same Node.js, the runtime's floor. */
  readonly runtimeFloorRssMiB: number | null;
  readonly error: string | null;
}

export interface ScaleResult {
  readonly nodes: number;
  readonly seconds: number;
  readonly timers: ScenarioTimers;
  readonly medium: string;
  /** Every node pings one ping node (absent in results written before it was added: none). */
  readonly pingNode?: boolean;
  /** Settled idle seconds before the window (absent in older results: none). */
  readonly warmupSeconds?: number;
  readonly perNode: readonly (NodeUsage & { readonly txPackets: number; readonly rxPackets: number })[];
  readonly cpuPercentPerNode: Summary | null;
  readonly rssMiBPerNode: Summary | null;
  /** Packets sent per second, whole cluster (interface counters: heartbeats and everything else). */
  readonly clusterTxPps: number;
  readonly txPpsPerNode: number;
  readonly error: string | null;
}

export interface BenchResults {
  readonly version: typeof BENCH_RESULTS_VERSION;
  readonly startedAt: string;
  finishedAt: string;
  readonly host: { readonly kernel: string; readonly cpus: number; readonly node: string; readonly loadAvgAtStart: readonly number[]; loadAvgAtEnd: readonly number[] };
  readonly options: BenchOptions;
  readonly managers: ManagerInfo[];
  readonly failover: Partial<Record<ManagerKind, FailoverResult>>;
  readonly falseDeaths: Partial<Record<ManagerKind, FalseDeathResult>>;
  readonly idle: Partial<Record<ManagerKind, IdleResult>>;
  readonly scale: ScaleResult[];
  interrupted: boolean;
}
