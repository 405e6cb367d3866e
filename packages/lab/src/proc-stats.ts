// Process facts from /proc for the benchmark: parent, CPU time and memory of a manager's process
// tree. A manager is "its root process and everything below it" at the moment of asking (agents
// that daemonized — setsid, reparented to init — are services, not the manager).

import { readFile } from 'node:fs/promises';

export const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly state: string;
  /** utime + stime of the process and of its reaped children (cutime + cstime), in seconds. */
  readonly cpuSeconds: number;
  /** The reaped children's part of cpuSeconds (cutime + cstime). */
  readonly childCpuSeconds: number;
  readonly rssKiB: number;
}

/** Parses /proc/PID/stat (the comm field may contain spaces and parentheses). */
export function parseProcStat(text: string, pageSizeKiB = 4): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const comm = text.slice(open + 1, close);
  const rest = text.slice(close + 2).split(' ');
  // rest[0] = state (field 3), rest[1] = ppid (4), rest[11..14] = utime stime cutime cstime (14-17), rest[21] = rss pages (24)
  const ppid = Number(rest[1]);
  const ticks = [rest[11], rest[12], rest[13], rest[14]].map(Number);
  const rss = Number(rest[21]);
  if (![pid, ppid, rss, ...ticks].every(Number.isFinite)) return null;
  const cpuTicks = ticks.reduce((sum, value) => sum + value, 0);
  const childTicks = (ticks[2] ?? 0) + (ticks[3] ?? 0);
  return {
    pid,
    ppid,
    comm,
    state: rest[0] ?? '?',
    cpuSeconds: cpuTicks / CLOCK_TICKS_PER_SECOND,
    childCpuSeconds: childTicks / CLOCK_TICKS_PER_SECOND,
    rssKiB: rss * pageSizeKiB,
  };
}

export async function readProcStat(pid: number): Promise<ProcStat | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return text === null ? null : parseProcStat(text);
}

/** Proportional set size (shared pages divided among their users), KiB, or null. */
export async function readPssKiB(pid: number): Promise<number | null> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => null);
  const match = text === null ? null : /^Pss:\s+(\d+) kB/m.exec(text);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** `roots` and every process among `candidates` whose parent chain reaches one of them. */
export function descendantsOf(roots: readonly number[], stats: readonly ProcStat[]): ProcStat[] {
  const byPid = new Map(stats.map((stat) => [stat.pid, stat]));
  const inTree = new Set(roots.filter((pid) => byPid.has(pid)));
  let grew = true;
  for (let round = 0; grew && round < 64; round += 1) {
    grew = false;
    for (const stat of stats) {
      if (!inTree.has(stat.pid) && inTree.has(stat.ppid)) {
        inTree.add(stat.pid);
        grew = true;
      }
    }
  }
  return stats.filter((stat) => inTree.has(stat.pid) && stat.state !== 'Z');
}

export interface TreeUsage {
  readonly pids: readonly number[];
  readonly cpuSeconds: number;
  /** Of cpuSeconds: short-lived children already reaped (agents, ping, scripts). */
  readonly childCpuSeconds: number;
  readonly rssKiB: number;
  readonly pssKiB: number | null;
  /** RSS of the root process alone (the daemon without its helpers and agents). */
  readonly mainRssKiB: number;
}

export async function treeUsage(roots: readonly number[], candidates: readonly number[]): Promise<TreeUsage> {
  const stats = (await Promise.all(candidates.map((pid) => readProcStat(pid)))).filter((stat): stat is ProcStat => stat !== null);
  const tree = descendantsOf(roots, stats);
  const pss = await Promise.all(tree.map((stat) => readPssKiB(stat.pid)));
  return {
    pids: tree.map((stat) => stat.pid),
    cpuSeconds: tree.reduce((sum, stat) => sum + stat.cpuSeconds, 0),
    childCpuSeconds: tree.reduce((sum, stat) => sum + stat.childCpuSeconds, 0),
    rssKiB: tree.reduce((sum, stat) => sum + stat.rssKiB, 0),
    // A process that exited between the two reads has no PSS any more: it simply does not count.
    pssKiB: pss.some((value) => value !== null) ? pss.reduce((sum: number, value) => sum + (value ?? 0), 0) : null,
    mainRssKiB: tree.filter((stat) => roots.includes(stat.pid)).reduce((sum, stat) => sum + stat.rssKiB, 0),
  };
}
