// The benchmark's printed table (also pasted into docs/benchmarks.md), from the JSON document.
// Pure.

import type { ManagerKind } from '../adapters';
import type { Summary } from '../stats';
import type { BenchResults, FailoverResult, ManagerInfo, MetricName, NodeUsage } from './results';

const FAULT_LABEL = { crash: 'node crash (all killed, cable out)', kill: 'kill -9 of the manager\'s main pid', link: 'link cut (cable out)' } as const;

function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)}s` : String(Math.round(value));
}

export function formatSummary(summary: Summary | null | undefined): string {
  if (summary === null || summary === undefined) return '-';
  return `${ms(summary.min)} / ${ms(summary.median)} / ${ms(summary.p99)} (${summary.count})`;
}

function header(info: ManagerInfo): string {
  return info.available ? `${info.title} ${info.version}` : `${info.title} (not run)`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : pad(cell, (widths[i] ?? 0) + 2))).join('').trimEnd()).join('\n');
}

function timersText(t: { keepaliveMs: number; warntimeMs: number; deadtimeMs: number; initdeadMs: number }): string {
  return `keepalive ${t.keepaliveMs} ms, warntime ${t.warntimeMs} ms, deadtime ${t.deadtimeMs} ms, initdead ${t.initdeadMs} ms`;
}

export function formatReport(r: BenchResults): string {
  const managers = r.managers.filter((m) => r.options.managers.includes(m.kind));
  const kinds = managers.map((m) => m.kind);
  const out: string[] = [];
  out.push(
    `hbd benchmark ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC — Linux ${r.host.kernel}, ${r.host.cpus} CPUs, Node ${r.host.node}, ` +
      `load average ${r.host.loadAvgAtStart.map((v) => v.toFixed(1)).join(' ')} at start${r.interrupted ? ' — INTERRUPTED, partial results' : ''}`,
  );
  const anyFailover = kinds.map((k) => r.failover[k]).find((f): f is FailoverResult => f !== undefined && f.timers.deadtimeMs > 0);
  if (r.options.sections.includes('failover')) {
    out.push('');
    out.push(`Failover (two nodes, VIP + Dummy, ping node, auto_failback on; ${anyFailover === undefined ? 'timers as set' : timersText(anyFailover.timers)}).`);
    out.push(`Milliseconds as min / median / p99 (count), measured by ARP from a client namespace every 20 ms.`);
    out.push('');
    const rows: string[][] = [['', ...managers.map(header)]];
    const metric = (label: string, name: MetricName): void => {
      rows.push([label, ...kinds.map((k) => formatSummary(r.failover[k]?.summary[name]))]);
    };
    for (const fault of r.options.faults) {
      metric(`failover: ${FAULT_LABEL[fault]}`, fault);
      rows.push([`  cycles with two MACs at once`, ...kinds.map((k) => (r.failover[k] === undefined ? '-' : `${r.failover[k]?.dualOwnerCycles[fault] ?? 0}/${r.failover[k]?.cycles.filter((c) => c.fault === fault && c.failoverMs !== null).length ?? 0}`))]);
    }
    const dualRow = (phase: 'failback' | 'standby' | 'takeover'): void => {
      rows.push([
        '  cycles with two MACs at once',
        ...kinds.map((k) => {
          const f = r.failover[k];
          return f === undefined ? '-' : `${f.dualOwnerCyclesByPhase?.[phase] ?? 0}/${f.cycles.filter((c) => c[`${phase}Ms`] !== null).length}`;
        }),
      ]);
    };
    metric('failback (manager start → VIP back)', 'failback');
    metric('  VIP unanswered during failback', 'failbackOutage');
    dualRow('failback');
    metric('standby hand-over', 'standby');
    metric('  VIP unanswered during standby', 'standbyOutage');
    dualRow('standby');
    metric('takeover (back to the preferred node)', 'takeover');
    dualRow('takeover');
    metric('manager overhead (hbd: declared late + decision)', 'overhead');
    metric('  first agent start → VIP answers', 'agentToVip');
    rows.push(['failed cycles', ...kinds.map((k) => (r.failover[k] === undefined ? '-' : `${r.failover[k]?.failedCycles ?? 0}${r.failover[k]?.error ? ' (aborted)' : ''}`))]);
    out.push(table(rows));
  }
  if (r.options.sections.includes('false-deaths') || r.options.sections.includes('idle')) {
    out.push('');
    const rows: string[][] = [['', ...managers.map(header)]];
    if (r.options.sections.includes('false-deaths')) {
      const any = kinds.map((k) => r.falseDeaths[k]).find((f) => f !== undefined);
      rows.push([
        `false deaths, 50/150 ms, ${any?.loadWorkers ?? '?'} busy loops, ${any?.seconds ?? '?'} s`,
        ...kinds.map((k) => {
          const f = r.falseDeaths[k];
          if (f === undefined) return '-';
          if (f.error !== null) return 'error';
          return `${f.peerDeaths} (VIP moved ${f.vipMoves}×, two MACs ${f.dualOwnerRounds} rounds)`;
        }),
      ]);
    }
    if (r.options.sections.includes('idle')) {
      const any = kinds.map((k) => r.idle[k]).find((f) => f !== undefined);
      const perNode = (k: ManagerKind, pick: (n: NodeUsage) => string): string => {
        const idle = r.idle[k];
        if (idle === undefined) return '-';
        if (idle.error !== null || idle.nodes.length === 0) return 'error';
        return idle.nodes.map(pick).join(' / ');
      };
      rows.push([`idle CPU seconds per node over ${any?.seconds ?? '?'} s`, ...kinds.map((k) => perNode(k, (n) => n.cpuSeconds.toFixed(2)))]);
      rows.push(['  of which short-lived children', ...kinds.map((k) => perNode(k, (n) => n.childCpuSeconds.toFixed(2)))]);
      rows.push(['RSS per node, all its processes (MiB)', ...kinds.map((k) => perNode(k, (n) => n.rssMiB.toFixed(1)))]);
      rows.push(['  main process alone (MiB)', ...kinds.map((k) => perNode(k, (n) => n.mainRssMiB.toFixed(1)))]);
      rows.push(['  PSS per node (MiB)', ...kinds.map((k) => perNode(k, (n) => (n.pssMiB === null ? '?' : n.pssMiB.toFixed(1))))]);
    }
    out.push(table(rows));
  }
  if (r.options.sections.includes('scale') && r.scale.length > 0) {
    out.push('');
    const first = r.scale[0];
    const setup = first?.pingNode === true ? 'one group, one ping node' : 'one group, no ping node';
    const warmup = first?.warmupSeconds === undefined || first.warmupSeconds === 0 ? '' : ` after ${first.warmupSeconds} s of settled idle`;
    out.push(`hbd alone, ${first?.medium ?? 'bcast'}, ${setup}, ${first === undefined ? '' : timersText(first.timers)}, ${first?.seconds ?? '?'} s per size${warmup}:`);
    const rows: string[][] = [['nodes', 'CPU % per node (min / median / max)', 'RSS MiB per node (median)', 'packets/s sent (cluster / per node)']];
    for (const s of r.scale) {
      if (s.error !== null) {
        rows.push([String(s.nodes), `error: ${s.error.slice(0, 80)}`, '', '']);
        continue;
      }
      const c = s.cpuPercentPerNode;
      rows.push([
        String(s.nodes),
        c === null ? '-' : `${c.min.toFixed(2)} / ${c.median.toFixed(2)} / ${c.max.toFixed(2)}`,
        s.rssMiBPerNode === null ? '-' : s.rssMiBPerNode.median.toFixed(1),
        `${s.clusterTxPps.toFixed(1)} / ${s.txPpsPerNode.toFixed(1)}`,
      ]);
    }
    out.push(table(rows));
    // The busiest node is the one holding the group (its members' status checks): say so.
    for (const s of r.scale) {
      const busiest = s.error === null ? [...s.perNode].sort((a, b) => b.cpuPercent - a.cpuPercent)[0] : undefined;
      if (busiest === undefined || s.seconds <= 0) continue;
      const childPercent = (100 * busiest.childCpuSeconds) / s.seconds;
      out.push(`  ${s.nodes} nodes: busiest ${busiest.node} ${busiest.cpuPercent.toFixed(2)} %, of which ${childPercent.toFixed(2)} % its short-lived children (status checks)`);
    }
  }
  const targets = targetLines(r);
  if (targets.length > 0) {
    out.push('');
    out.push('Targets (issue 6):');
    out.push(...targets.map((line) => `  ${line}`));
  }
  const notes = managers.flatMap((m) => m.notes.map((note) => `${m.title}: ${note}`));
  if (notes.length > 0) {
    out.push('');
    out.push('Notes:');
    out.push(...notes.map((note) => `  - ${note}`));
  }
  return `${out.join('\n')}\n`;
}

/** The issue's targets, each with the measured value and by how much it is met or missed. */
export function targetLines(r: BenchResults): string[] {
  const lines: string[] = [];
  const hbd = r.failover.hbd;
  const hb = r.failover.heartbeat;
  const overhead = hbd?.summary.overhead;
  if (overhead) lines.push(verdict(`hbd manager overhead median ≤ 30 ms: ${overhead.median.toFixed(0)} ms`, overhead.median <= 30, overhead.median - 30, 'ms'));
  for (const fault of ['crash', 'kill', 'link'] as const) {
    const mine = hbd?.summary[fault];
    const theirs = hb?.summary[fault];
    if (mine && theirs) {
      lines.push(verdict(`failover (${fault}) no slower than Heartbeat: hbd ${mine.median.toFixed(0)} ms vs ${theirs.median.toFixed(0)} ms (median)`, mine.median <= theirs.median, mine.median - theirs.median, 'ms'));
    }
  }
  const fd = r.falseDeaths.hbd;
  if (fd && fd.error === null) lines.push(verdict(`hbd false deaths at 50/150 ms under load = 0: ${fd.peerDeaths} in ${fd.seconds} s (VIP moved ${fd.vipMoves}×)`, fd.peerDeaths === 0 && fd.vipMoves === 0, fd.peerDeaths, 'deaths'));
  const idle = r.idle.hbd;
  if (idle && idle.error === null && idle.nodes.length > 0) {
    const worst = Math.max(...idle.nodes.map((n) => n.rssMiB)) * 1.048576;
    const main = Math.max(...idle.nodes.map((n) => n.mainRssMiB)) * 1.048576;
    const floor = idle.runtimeFloorRssMiB === null ? '' : `; an idle Node.js process alone: ${(idle.runtimeFloorRssMiB * 1.048576).toFixed(1)} MB`;
    lines.push(verdict(`hbd RSS ≤ 80 MB per node: all processes ${worst.toFixed(1)} MB, hbd itself ${main.toFixed(1)} MB${floor}`, worst <= 80, worst - 80, 'MB'));
  }
  const sixteen = r.scale.find((s) => s.nodes === 16 && s.error === null);
  if (sixteen?.cpuPercentPerNode) {
    const worst = sixteen.cpuPercentPerNode.max;
    lines.push(verdict(`16 nodes at keepalive 1 s under 1 % CPU per node: worst ${worst.toFixed(2)} %`, worst < 1, worst - 1, 'points'));
  }
  return lines;
}

function verdict(text: string, ok: boolean, by: number, unit: string): string {
  return ok ? `met     ${text}` : `MISSED  ${text} (by ${by.toFixed(unit === 'points' ? 2 : 0)} ${unit})`;
}
