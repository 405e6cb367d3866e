// The client's view of the VIP, for the whole life of a test file: a small prober process in the
// client namespace asks "who has the VIP?" with ARP and GETs the page, at a bounded rate, and
// reports every round as one JSON line.
//
// ARP rounds are exact, not guessed from timing: each round is one `arping -b` run that sends ONE
// broadcast request and collects every reply to it for one second (or until a second host answers).
// Four slots run staggered (≈ 4 rounds/s), each from its own client address, and arping keeps only
// replies addressed to its own source, so a reply is always attributed to the request it answers.
// Two different MACs in one round = two hosts answered the same request = two owners of the VIP.

import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import type { LabNode } from '@hbd/testkit';

export interface ArpRound {
  readonly slot: number;
  /** When the request went out / when the round ended (Date.now() on this host). */
  readonly atMs: number;
  readonly endMs: number;
  /** Distinct MACs (lower case) that answered this request. */
  readonly macs: readonly string[];
}

export interface HttpSample {
  readonly atMs: number;
  readonly body: string | null;
  readonly error: string | null;
}

export interface VipProbe {
  readonly arp: readonly ArpRound[];
  readonly http: readonly HttpSample[];
  /** Rounds answered by more than one MAC since the probe started. */
  violations(): ArpRound[];
  /** Resolves with the first ARP round after `sinceMs` satisfying `test` (bounded). */
  waitArp(what: string, test: (round: ArpRound) => boolean, sinceMs: number, timeoutMs: number): Promise<ArpRound>;
  waitHttp(what: string, test: (sample: HttpSample) => boolean, sinceMs: number, timeoutMs: number): Promise<HttpSample>;
  /** A readable account of the rounds in a time window (for failure messages). */
  describe(fromMs: number, toMs?: number): string;
  /** Whether the prober process still runs (a dead prober would make every check vacuous). */
  alive(): boolean;
  stop(): void;
}

const SLOTS = 4;

/** Runs inside the client namespace with `node -e`. Every loop is bounded by `maxMs`. */
const PROBER_SCRIPT = String.raw`
const { spawn } = require('node:child_process');
const http = require('node:http');
const [vip, iface, sourcesCsv, maxMs] = process.argv.slice(1);
const sources = sourcesCsv.split(',');
const deadline = Date.now() + Number(maxMs);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
function arpRound(slot) {
  if (Date.now() > deadline) return;
  const at = Date.now();
  const child = spawn('arping', ['-b', '-c', '2', '-w', '1', '-i', '5', '-s', sources[slot], '-I', iface, vip], { stdio: ['ignore', 'pipe', 'ignore'] });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (text += d));
  child.on('error', (e) => out({ k: 'error', text: 'arping: ' + e.message }));
  child.on('close', () => {
    const macs = [...new Set([...text.matchAll(/reply from \S+ \[([0-9A-Fa-f:]{17})\]/g)].map((m) => m[1].toLowerCase()))];
    out({ k: 'arp', slot, at, end: Date.now(), macs });
    setTimeout(() => arpRound(slot), Math.max(50, 1000 - (Date.now() - at)));
  });
}
sources.forEach((_, slot) => setTimeout(() => arpRound(slot), (slot * 1000) / sources.length));
function httpRound() {
  if (Date.now() > deadline) return process.exit(0);
  const at = Date.now();
  let done = false;
  const finish = (body, error) => {
    if (done) return;
    done = true;
    out({ k: 'http', at, body, error });
    setTimeout(httpRound, Math.max(50, 250 - (Date.now() - at)));
  };
  const req = http.get({ host: vip, port: 80, path: '/', agent: false, timeout: 800 }, (res) => {
    let body = '';
    res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => finish(body, null)).on('error', (e) => finish(null, e.message));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => finish(null, e.code || e.message));
}
httpRound();
process.stdin.on('end', () => process.exit(0)).resume();
`;

/** Client addresses the slots send from: the client's own address must not be among them. */
export function probeSources(prefix: string): string[] {
  return Array.from({ length: SLOTS }, (_, i) => `${prefix}.${240 + i}`);
}

export function startVipProbe(client: LabNode, options: { readonly vip: string; readonly iface: string; readonly sources: readonly string[]; readonly maxMs?: number; readonly macNames?: ReadonlyMap<string, string> }): VipProbe {
  const arp: ArpRound[] = [];
  const http: HttpSample[] = [];
  const errors: string[] = [];
  const child: ChildProcess = client.spawn([process.execPath, '-e', PROBER_SCRIPT, options.vip, options.iface, options.sources.join(','), String(options.maxMs ?? 30 * 60_000)], { stdio: 'pipe' });
  let exited = false;
  child.on('exit', () => (exited = true));
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    try {
      const message = JSON.parse(line) as { k: string; slot: number; at: number; end: number; macs: string[]; body: string | null; error: string | null; text: string };
      if (message.k === 'arp') arp.push({ slot: message.slot, atMs: message.at, endMs: message.end, macs: message.macs });
      else if (message.k === 'http') http.push({ atMs: message.at, body: message.body, error: message.error });
      else errors.push(message.text);
    } catch {
      errors.push(line);
    }
  });
  const name = (mac: string): string => options.macNames?.get(mac) ?? mac;

  async function waitFor<T>(what: string, list: readonly T[], atOf: (item: T) => number, test: (item: T) => boolean, sinceMs: number, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let index = 0;
    for (;;) {
      for (; index < list.length; index++) {
        const item = list[index]!;
        if (atOf(item) >= sinceMs && test(item)) return item;
      }
      if (Date.now() > deadline) throw new Error(`probe: timed out after ${timeoutMs} ms waiting for ${what}\n${probe.describe(sinceMs)}`);
      if (exited) throw new Error(`probe: the prober exited while waiting for ${what} (${errors.join('; ')})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const probe: VipProbe = {
    arp,
    http,
    violations: () => arp.filter((round) => round.macs.length > 1),
    waitArp: (what, test, sinceMs, timeoutMs) => waitFor(what, arp, (round) => round.atMs, test, sinceMs, timeoutMs),
    waitHttp: (what, test, sinceMs, timeoutMs) => waitFor(what, http, (sample) => sample.atMs, test, sinceMs, timeoutMs),
    describe(fromMs, toMs = Infinity) {
      const rows: string[] = [];
      const inWindow = <T extends { atMs: number }>(items: readonly T[]): T[] => items.filter((item) => item.atMs >= fromMs && item.atMs <= toMs);
      // Runs of identical answers, so a minute of probing fits in a few lines.
      let last = '';
      for (const round of inWindow(arp)) {
        const who = round.macs.length === 0 ? 'nobody' : round.macs.map(name).join(' + ');
        if (who !== last) rows.push(`  ${new Date(round.atMs).toISOString().slice(11, 23)} ARP: ${who}`);
        last = who;
      }
      last = '';
      for (const sample of inWindow(http)) {
        const what = sample.body?.trim() ?? `error ${sample.error}`;
        if (what !== last) rows.push(`  ${new Date(sample.atMs).toISOString().slice(11, 23)} HTTP: ${what}`);
        last = what;
      }
      if (errors.length > 0) rows.push(`  prober errors: ${errors.slice(-5).join('; ')}`);
      return rows.sort().join('\n');
    },
    alive: () => !exited,
    stop() {
      child.stdin?.end();
      child.kill('SIGTERM');
    },
  };
  return probe;
}
