import { describe, expect, test } from '@jest/globals';
import { descendantsOf, parseProcStat, type ProcStat } from './proc-stats';

// A real /proc/PID/stat line (heartbeat's MCP), fields 14-17 = 120 35 7 3, rss 1500 pages.
const LINE = '4711 (heartbeat: master control process) S 1 4711 4711 0 -1 4194560 900 0 0 0 120 35 7 3 -2 0 1 0 99 60000000 1500 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 50 1 0 0 0';

describe('parseProcStat', () => {
  test('comm with spaces and parentheses; CPU includes reaped children', () => {
    expect(parseProcStat(LINE)).toEqual({
      pid: 4711,
      ppid: 1,
      comm: 'heartbeat: master control process',
      state: 'S',
      cpuSeconds: (120 + 35 + 7 + 3) / 100,
      childCpuSeconds: (7 + 3) / 100,
      rssKiB: 6000,
    });
    expect(parseProcStat(LINE.replace('(heartbeat: master control process)', '(a) b) c)'))?.comm).toBe('a) b) c');
  });

  test('garbage is null', () => {
    expect(parseProcStat('')).toBeNull();
    expect(parseProcStat('12 no parens')).toBeNull();
  });
});

describe('descendantsOf', () => {
  const stat = (pid: number, ppid: number, state = 'S'): ProcStat => ({ pid, ppid, comm: 'x', state, cpuSeconds: 0, childCpuSeconds: 0, rssKiB: 0 });

  test('the root, its children and grandchildren; not its parent, siblings or zombies', () => {
    const stats = [stat(1, 0), stat(10, 1), stat(11, 10), stat(12, 11), stat(13, 10, 'Z'), stat(20, 1)];
    expect(descendantsOf([10], stats).map((s) => s.pid)).toEqual([10, 11, 12]);
  });

  test('a root that is gone yields nothing', () => {
    expect(descendantsOf([99], [stat(1, 0)])).toEqual([]);
  });
});
