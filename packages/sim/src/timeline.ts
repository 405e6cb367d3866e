// The deterministic text timeline of a run: one line per engine event, harness action or notable
// effect, with fixed columns showing each node's state after that line (VOPR-style status
// columns). Golden scenarios are these timelines; failing seeds print their tail.

import type { ClusterEvent } from '@hbd/core';
import { renderEvent, type Level } from './render-event';
import type { SimTopology } from './sim-config';

export type TimelineMode = 'full' | 'tail' | 'off';

interface Entry {
  readonly atMs: number;
  readonly node: string | null;
  readonly event?: ClusterEvent;
  readonly level?: Level | 'sim' | 'trace';
  readonly text?: string;
  readonly columns: readonly string[];
}

const TAIL = 200;

export class Timeline {
  private entries: Entry[] = [];
  private start = 0; // ring-buffer start in 'tail' mode
  private readonly nameWidth: number;
  /** Wide enough for "paused " plus one mark per member and a space per group. */
  private readonly column: number;

  constructor(
    readonly mode: TimelineMode,
    private readonly topology: SimTopology,
    private readonly marker: (node: string) => string,
  ) {
    this.nameWidth = Math.max(...topology.nodes.map((n) => n.length), 3);
    const marks = topology.groups.reduce((n, g) => n + g.tokens.length + 1, 0);
    this.column = Math.max(16, 'paused '.length + marks + 2, ...topology.nodes.map((n) => n.length + 2));
  }

  event(atMs: number, node: string, event: ClusterEvent): void {
    this.push({ atMs, node, event, columns: this.columns() });
  }

  /** A harness action: a fault, an operator command, a restart. */
  sim(atMs: number, node: string | null, text: string): void {
    this.push({ atMs, node, level: 'sim', text, columns: this.columns() });
  }

  /** An input, for --trace. */
  trace(atMs: number, node: string, text: string): void {
    this.push({ atMs, node, level: 'trace', text, columns: this.columns() });
  }

  /** An effect worth a line of its own (fencing, an admin request answered). */
  effect(atMs: number, node: string, text: string, level: Level): void {
    this.push({ atMs, node, level, text, columns: this.columns() });
  }

  get length(): number {
    return this.entries.length;
  }

  private push(e: Entry): void {
    if (this.mode === 'off') return;
    if (this.mode === 'tail' && this.entries.length >= TAIL) {
      this.entries[this.start] = e;
      this.start = (this.start + 1) % TAIL;
      return;
    }
    this.entries.push(e);
  }

  private columns(): string[] {
    if (this.mode === 'off') return [];
    return this.topology.nodes.map((n) => this.marker(n));
  }

  /** The legend and column header. */
  header(): string[] {
    const t = this.topology;
    const lines = [
      `# nodes ${t.nodes.join(' ')} · keepalive ${sec(t.keepaliveMs)} · warntime ${sec(t.warntimeMs)} · deadtime ${sec(t.deadtimeMs)} · initdead ${sec(t.initdeadMs)} · auto_failback ${t.autoFailback}`,
    ];
    if (t.pingTargets.length > 0) lines.push(`# ping ${t.pingTargets.map((p) => (p.kind === 'ping' ? p.name : `${p.name}(${p.addresses.join(' ')})`)).join(' ')}`);
    t.groups.forEach((g, i) => lines.push(`# group ${i + 1}: ${g.preferredNode} ${g.tokens.join(' ')}`));
    lines.push('# columns: node status, then one mark per group member: + running  - stopped  ^ starting  v stopping');
    lines.push(`${'time s'.padStart(9)}  ${t.nodes.map((n) => n.padEnd(this.column)).join('')}`.trimEnd());
    return lines;
  }

  /** Renders the kept entries (all of them, or the tail). */
  lines(): string[] {
    const ordered = this.mode === 'tail' ? [...this.entries.slice(this.start), ...this.entries.slice(0, this.start)] : this.entries;
    return ordered.map((e) => this.render(e));
  }

  render(e: Entry): string {
    const time = (e.atMs / 1000).toFixed(3).padStart(9);
    const cols = e.columns.map((c) => c.padEnd(this.column)).join('');
    const who = (e.node ?? '*').padEnd(this.nameWidth);
    let body: string;
    if (e.event !== undefined) {
      const r = renderEvent(e.event);
      body = `${r.level}: ${r.text}`;
    } else if (e.level === 'sim') {
      body = `>> ${e.text ?? ''}`;
    } else if (e.level === 'trace') {
      body = `   ${e.text ?? ''}`;
    } else {
      body = `${e.level ?? 'info'}: ${e.text ?? ''}`;
    }
    return `${time}  ${cols}${who}  ${body}`.trimEnd();
  }

  text(): string {
    return [...this.header(), ...this.lines()].join('\n') + '\n';
  }
}

function sec(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
