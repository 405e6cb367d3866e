// `pnpm bench` options. Every duration and count is bounded; --quick shrinks everything for a
// first look (minutes instead of an hour).

import { parseArgs } from 'node:util';
import { parseHeartbeatTime } from '@hbd/config';
import { MANAGER_KINDS, type ManagerKind } from '../adapters';
import { DEFAULT_TIMERS, type ScenarioTimers } from '../scenario';

export type FaultKind = 'crash' | 'kill' | 'link';
export const FAULT_KINDS: readonly FaultKind[] = ['crash', 'kill', 'link'];
export type SectionKind = 'failover' | 'false-deaths' | 'idle' | 'scale';
export const SECTION_KINDS: readonly SectionKind[] = ['failover', 'false-deaths', 'idle', 'scale'];

export interface BenchOptions {
  readonly managers: readonly ManagerKind[];
  readonly sections: readonly SectionKind[];
  readonly faults: readonly FaultKind[];
  /** Failover cycles per fault kind. */
  readonly runs: number;
  readonly timers: Omit<ScenarioTimers, 'deadpingMs'>;
  readonly falseDeathSeconds: number;
  readonly idleSeconds: number;
  readonly scaleSeconds: number;
  /** Settled idle time before the scale window: a daemon's steady state, not its first minute (JIT tier-up). */
  readonly scaleWarmupSeconds: number;
  readonly scaleNodes: readonly number[];
  readonly outDir: string | null;
  readonly keepFiles: boolean;
  readonly verbose: boolean;
  readonly quick: boolean;
}

export class BenchUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchUsageError';
  }
}

export const USAGE = `Usage: pnpm bench [options]

Runs hbd, Heartbeat 3.0.6 and keepalived one after the other in the same network-namespace lab
(root needed), prints a table and writes JSON to bench-results/.

  --managers LIST        hbd,heartbeat,keepalived (default: all that are installed/built)
  --only LIST            sections: failover,false-deaths,idle,scale (default: all)
  --faults LIST          failover faults: crash,kill,link (default: all)
  --runs N               failover cycles per fault (default 10; --quick 3)
  --keepalive T --warntime T --deadtime T --initdead T
                         failover timers, Heartbeat syntax (default 200ms 500ms 1 2)
  --false-death-seconds S  per manager, at 50 ms / 150 ms under full CPU load (default 600; --quick 60)
  --idle-seconds S       idle CPU/RSS window per manager (default 60; --quick 20)
  --scale-nodes LIST     hbd cluster sizes (default 3,8,16; --quick 3,8)
  --scale-seconds S      measuring window per size (default 60; --quick 20)
  --scale-warmup S       settled idle time before that window (default 60; --quick 10)
  --out DIR              where the JSON goes (default bench-results/ in the repository)
  --keep-files           copy every node's configs and logs next to the JSON
  --quick                fewer runs, shorter windows
  -v, --verbose          progress details
  -h, --help
`;

function list<T extends string>(what: string, text: string | undefined, allowed: readonly T[], fallback: readonly T[]): T[] {
  if (text === undefined) return [...fallback];
  const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  for (const item of items) if (!allowed.includes(item as T)) throw new BenchUsageError(`--${what}: "${item}" is not one of ${allowed.join(', ')}`);
  if (items.length === 0) throw new BenchUsageError(`--${what}: empty list`);
  return items as T[];
}

function integer(what: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new BenchUsageError(`--${what}: ${min}..${max}, not "${text}"`);
  return value;
}

function time(what: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const parsed = parseHeartbeatTime(text);
  if (!parsed.ok) throw new BenchUsageError(`--${what} ${text}: ${parsed.reason}${parsed.hint ? ` (${parsed.hint})` : ''}`);
  if (parsed.ms <= 0) throw new BenchUsageError(`--${what} must be more than 0`);
  return parsed.ms;
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        managers: { type: 'string' },
        only: { type: 'string' },
        faults: { type: 'string' },
        runs: { type: 'string' },
        keepalive: { type: 'string' },
        warntime: { type: 'string' },
        deadtime: { type: 'string' },
        initdead: { type: 'string' },
        'false-death-seconds': { type: 'string' },
        'idle-seconds': { type: 'string' },
        'scale-nodes': { type: 'string' },
        'scale-seconds': { type: 'string' },
        'scale-warmup': { type: 'string' },
        out: { type: 'string' },
        'keep-files': { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        verbose: { type: 'boolean', short: 'v', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (err) {
    throw new BenchUsageError(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const quick = v.quick === true;
  const scaleNodes = (v['scale-nodes'] ?? (quick ? '3,8' : '3,8,16')).split(',').map((item) => integer('scale-nodes', item.trim(), 0, 2, 16));
  return {
    managers: list('managers', v.managers, MANAGER_KINDS, MANAGER_KINDS),
    sections: list('only', v.only, SECTION_KINDS, SECTION_KINDS),
    faults: list('faults', v.faults, FAULT_KINDS, FAULT_KINDS),
    runs: integer('runs', v.runs, quick ? 3 : 10, 1, 1000),
    timers: {
      keepaliveMs: time('keepalive', v.keepalive, DEFAULT_TIMERS.keepaliveMs),
      warntimeMs: time('warntime', v.warntime, DEFAULT_TIMERS.warntimeMs),
      deadtimeMs: time('deadtime', v.deadtime, DEFAULT_TIMERS.deadtimeMs),
      initdeadMs: time('initdead', v.initdead, DEFAULT_TIMERS.initdeadMs),
    },
    falseDeathSeconds: integer('false-death-seconds', v['false-death-seconds'], quick ? 60 : 600, 5, 24 * 3600),
    idleSeconds: integer('idle-seconds', v['idle-seconds'], quick ? 20 : 60, 5, 3600),
    scaleSeconds: integer('scale-seconds', v['scale-seconds'], quick ? 20 : 60, 5, 3600),
    scaleWarmupSeconds: integer('scale-warmup', v['scale-warmup'], quick ? 10 : 60, 0, 3600),
    scaleNodes,
    outDir: v.out ?? null,
    keepFiles: v['keep-files'] === true,
    verbose: v.verbose === true,
    quick,
  };
}
