import { describe, expect, test } from '@jest/globals';
import { hbdTakeoverFacts, summarizeFailover } from './failover-bench';
import { BenchUsageError, parseBenchOptions, type BenchOptions } from './options';
import { formatReport, formatSummary, targetLines } from './report';
import type { BenchResults, FailoverCycle } from './results';

describe('options', () => {
  test('defaults: every manager and section, 10 runs, 10 minutes of false deaths', () => {
    const o = parseBenchOptions([]) as BenchOptions;
    expect(o.managers).toEqual(['hbd', 'heartbeat', 'keepalived']);
    expect(o.sections).toEqual(['failover', 'false-deaths', 'idle', 'scale']);
    expect(o.runs).toBe(10);
    expect(o.falseDeathSeconds).toBe(600);
    expect(o.idleSeconds).toBe(60);
    expect(o.scaleNodes).toEqual([3, 8, 16]);
    expect(o.scaleWarmupSeconds).toBe(60);
    expect(o.timers).toEqual({ keepaliveMs: 200, warntimeMs: 500, deadtimeMs: 1000, initdeadMs: 2000 });
  });

  test('--quick shrinks; explicit values win; Heartbeat time syntax', () => {
    const o = parseBenchOptions(['--quick', '--runs', '5', '--deadtime', '1500ms', '--keepalive', '.5', '--managers', 'heartbeat']) as BenchOptions;
    expect(o.runs).toBe(5);
    expect(o.falseDeathSeconds).toBe(60);
    expect(o.scaleNodes).toEqual([3, 8]);
    expect(o.scaleWarmupSeconds).toBe(10);
    expect((parseBenchOptions(['--scale-warmup', '0']) as BenchOptions).scaleWarmupSeconds).toBe(0);
    expect(o.timers.deadtimeMs).toBe(1500);
    expect(o.timers.keepaliveMs).toBe(500);
    expect(o.managers).toEqual(['heartbeat']);
  });

  test('mistakes are usage errors with the reason', () => {
    expect(() => parseBenchOptions(['--managers', 'pacemaker'])).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(['--runs', '0'])).toThrow('--runs');
    expect(() => parseBenchOptions(['--deadtime', '10s'])).toThrow('no "s" suffix');
    expect(() => parseBenchOptions(['--scale-nodes', '3,40'])).toThrow('--scale-nodes');
    expect(() => parseBenchOptions(['--bogus'])).toThrow(BenchUsageError);
    expect(parseBenchOptions(['-h'])).toBe('help');
  });
});

describe('hbd takeover facts', () => {
  const status = (entries: { at: string; kind: string; text: string }[]): string => JSON.stringify({ ok: true, data: { lastFailover: { timeline: entries } } });

  test('late declaration plus decision time', () => {
    const json = status([
      { at: '2026-11-21T03:10:36.971Z', kind: 'peerDeclaredDead', text: 'node nodea is dead: nothing heard for 1.01 s (warntime 0.5 s, deadtime 1 s)' },
      { at: '2026-11-21T03:10:36.974Z', kind: 'resourceOpStarted', text: 'IPaddr::10.213.221.100/24/eth0 start (group g, op 3)' },
    ]);
    const facts = hbdTakeoverFacts(json, 1000, Date.parse('2026-11-21T03:10:36.000Z'));
    expect(facts?.overheadMs).toBeCloseTo(13, 5);
    expect(facts?.firstStartWallMs).toBe(Date.parse('2026-11-21T03:10:36.974Z'));
  });

  test('an older failover, no start or no JSON: nothing', () => {
    const json = status([{ at: '2026-11-21T03:00:00.000Z', kind: 'peerDeclaredDead', text: 'node nodea is dead: nothing heard for 1 s' }]);
    expect(hbdTakeoverFacts(json, 1000, Date.parse('2026-11-21T03:10:00.000Z'))).toBeNull();
    expect(hbdTakeoverFacts(status([{ at: '2026-11-21T03:10:00.000Z', kind: 'peerDeclaredDead', text: 'node nodea is dead: nothing heard for 1 s' }]), 1000, 0)).toBeNull();
    expect(hbdTakeoverFacts('not json', 1000, 0)).toBeNull();
  });
});

function cycle(fault: FailoverCycle['fault'], failoverMs: number | null, extra: Partial<FailoverCycle> = {}): FailoverCycle {
  return {
    run: 1,
    fault,
    failoverMs,
    dualOwnerMs: 0,
    dualOwnerRounds: { failover: 0, failback: 0, standby: 0, takeover: 0 },
    failbackMs: 2000,
    failbackOutageMs: 300,
    standbyMs: 900,
    standbyOutageMs: 400,
    takeoverMs: 800,
    overheadMs: null,
    agentToVipMs: null,
    errors: failoverMs === null ? ['timeout'] : [],
    ...extra,
  };
}

describe('failover summary and report', () => {
  const timers = { keepaliveMs: 200, warntimeMs: 500, deadtimeMs: 1000, initdeadMs: 2000, deadpingMs: 3000 };

  test('per fault, failed cycles left out of the statistics and counted', () => {
    const result = summarizeFailover([cycle('crash', 1000), cycle('crash', 1200), cycle('crash', null), cycle('kill', 900, { dualOwnerMs: 500 })], null, timers);
    expect(result.summary.crash).toMatchObject({ count: 2, min: 1000, median: 1100, p99: 1200 });
    expect(result.summary.kill?.count).toBe(1);
    expect(result.summary.link).toBeNull();
    expect(result.failedCycles).toBe(1);
    expect(result.dualOwnerCycles).toEqual({ kill: 1 });
  });

  test('the table shows every manager\'s column and the targets with their margins', () => {
    const options = parseBenchOptions(['--only', 'failover']) as BenchOptions;
    const results: BenchResults = {
      version: 1,
      startedAt: '2026-11-21T03:00:00.000Z',
      finishedAt: '2026-11-21T04:00:00.000Z',
      host: { kernel: '6.1.0', cpus: 2, node: 'v20.19.0', loadAvgAtStart: [0.5, 0.4, 0.3], loadAvgAtEnd: [] },
      options,
      managers: [
        { kind: 'hbd', title: 'hbd', available: true, version: '0.1.0', reason: '', notes: [] },
        { kind: 'heartbeat', title: 'Heartbeat', available: true, version: '3.0.6', reason: '', notes: ['realtime on'] },
        { kind: 'keepalived', title: 'keepalived', available: false, version: '', reason: 'not installed', notes: [] },
      ],
      failover: {
        hbd: summarizeFailover([cycle('crash', 1000, { overheadMs: 12 }), cycle('crash', 1100, { overheadMs: 40 })], null, timers),
        heartbeat: summarizeFailover([cycle('crash', 1500), cycle('crash', 1600)], null, timers),
      },
      falseDeaths: {},
      idle: {},
      scale: [],
      interrupted: false,
    };
    const text = formatReport(results);
    expect(text).toContain('hbd 0.1.0');
    expect(text).toContain('Heartbeat 3.0.6');
    expect(text).toContain('keepalived (not run)');
    expect(text).toContain('1000 / 1050 / 1100 (2)');
    expect(text).toContain('1500 / 1550 / 1600 (2)');
    expect(text).toContain('Heartbeat: realtime on');
    const targets = targetLines(results);
    expect(targets).toContain('met     hbd manager overhead median ≤ 30 ms: 26 ms');
    expect(targets.some((line) => line.startsWith('met') && line.includes('failover (crash) no slower than Heartbeat'))).toBe(true);
  });

  test('a missed target says by how much', () => {
    const options = parseBenchOptions(['--only', 'failover']) as BenchOptions;
    const base = {
      version: 1 as const,
      startedAt: '2026-11-21T03:00:00.000Z',
      finishedAt: '',
      host: { kernel: 'k', cpus: 2, node: 'v20', loadAvgAtStart: [0, 0, 0], loadAvgAtEnd: [] },
      options,
      managers: [],
      falseDeaths: {},
      idle: {},
      scale: [],
      interrupted: false,
    };
    const lines = targetLines({
      ...base,
      failover: {
        hbd: summarizeFailover([cycle('link', 2000, { overheadMs: 80 })], null, timers),
        heartbeat: summarizeFailover([cycle('link', 1500)], null, timers),
      },
    });
    expect(lines).toContain('MISSED  hbd manager overhead median ≤ 30 ms: 80 ms (by 50 ms)');
    expect(lines).toContain('MISSED  failover (link) no slower than Heartbeat: hbd 2000 ms vs 1500 ms (median) (by 500 ms)');
  });

  test('summary cells', () => {
    expect(formatSummary(null)).toBe('-');
    expect(formatSummary({ count: 3, min: 950.4, median: 1012.6, p99: 12_345, max: 12_345, mean: 0 })).toBe('950 / 1013 / 12.3s (3)');
  });
});
