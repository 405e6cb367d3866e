// ICMP echo through iputils `ping` (no raw sockets, no native module): ONE long-lived
// `ping -n -O -i <keepalive> <ip>` per address (LC_ALL=C), started at the first probe, whose
// output lines are read as they come. A probe resolves true at the first echo reply that arrives
// after it was asked, false when none came in time. Spawning `ping -c 1` per probe cost a fork
// and exec of ping every keepalive per address (5 a second at keepalive 200 ms); a running ping
// costs one packet and one line.
//
// Trouble: a ping that exits (no route at start-up, killed) is started again at the next probe,
// no sooner than a back-off delay (1 s doubling to 10 s; reset once it has run 10 s), so a
// failing ping can never become a spawn storm; each kind of trouble is logged once per episode
// (again only after a reply came in between). While no ping runs, probes are unreachable. The
// processes are killed by PID on stop(); if hbd dies without stop(), ping's next line (at most one
// interval later: -O prints "no answer yet" when a reply is missing) hits a closed pipe and
// SIGPIPE ends it.

import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Prober } from './ports';

/** iputils refuses intervals below 0.2 s for non-root users; hbd never needs faster. */
const MIN_INTERVAL_MS = 200;
/** A probe waits at least one interval (plus this) for the next reply, whatever its timeoutMs. */
const INTERVAL_GRACE_MS = 250;
/** Longer output lines are not ping's: dropped. */
const MAX_LINE_CHARS = 4096;

export interface PingProberOptions {
  /** argv before the options, default ["ping"]. Tests point it at a stand-in script. */
  readonly command?: readonly string[];
  /** Echo interval (the keepalive); default the first probe's timeoutMs. */
  readonly intervalMs?: number;
  /** Called once per trouble kind and episode (ping missing, ping exited). */
  readonly onTrouble?: (text: string) => void;
  /** Back-off before a ping that exited is started again: first and longest delay (default 1 s, 10 s). */
  readonly restartDelayMs?: { readonly firstMs: number; readonly maxMs: number };
  /** A ping that no probe asked for this long is stopped (default max(30 s, 10 intervals)). */
  readonly idleStopMs?: number;
  /** Monotonic milliseconds (tests). */
  readonly nowMs?: () => number;
}

export type PingLine =
  | { readonly kind: 'reply'; readonly seq: number }
  | { readonly kind: 'noAnswer'; readonly seq: number }
  | { readonly kind: 'other' };

const REPLY_RE = /^\d+ bytes from [^ ]+ icmp_seq=(\d+) /;
const NO_ANSWER_RE = /^no answer yet for icmp_seq=(\d+)$/;

/**
 * One line of `LC_ALL=C ping -n -O`: an echo reply ("64 bytes from 10.0.0.1: icmp_seq=3 ttl=64
 * time=0.04 ms", also "(DUP!)"), a missing one ("no answer yet for icmp_seq=4"), or anything else
 * (the header, "From 10.0.0.1 icmp_seq=5 Destination Host Unreachable": not a reply).
 */
export function parsePingLine(line: string): PingLine {
  const reply = REPLY_RE.exec(line);
  if (reply !== null) return { kind: 'reply', seq: Number(reply[1]) };
  const missing = NO_ANSWER_RE.exec(line.trimEnd());
  if (missing !== null) return { kind: 'noAnswer', seq: Number(missing[1]) };
  return { kind: 'other' };
}

/** Whole milliseconds as ping's -i argument in seconds ("1", "0.2", "1.5"). */
function intervalSeconds(intervalMs: number): string {
  const ms = Math.max(MIN_INTERVAL_MS, Math.round(intervalMs));
  return String(ms / 1000);
}

export function pingArgv(address: string, intervalMs: number, command: readonly string[] = ['ping']): string[] {
  return [...command, '-n', '-O', '-i', intervalSeconds(intervalMs), address];
}

interface Waiter {
  readonly resolve: (reachable: boolean) => void;
  readonly timer: NodeJS.Timeout;
}

interface Pinger {
  readonly address: string;
  child: ChildProcess | null;
  startedAtMs: number;
  /** Not before this instant may a new ping be started (back-off after an exit). */
  nextStartAtMs: number;
  restartDelayMs: number;
  lastAskedAtMs: number;
  readonly waiters: Set<Waiter>;
  /** Trouble kinds reported in the current episode (cleared by a reply). */
  readonly reported: Set<string>;
  stderrTail: string;
}

export function createPingProber(options: PingProberOptions = {}): Prober {
  const nowMs = options.nowMs ?? ((): number => performance.now());
  const firstDelayMs = options.restartDelayMs?.firstMs ?? 1000;
  const maxDelayMs = options.restartDelayMs?.maxMs ?? 10_000;
  const pingers = new Map<string, Pinger>();
  const reportedGlobally = new Set<string>();
  let intervalMs = options.intervalMs ?? null;
  let stopped = false;

  function trouble(pinger: Pinger | null, key: string, text: string): void {
    const seen = pinger?.reported ?? reportedGlobally;
    if (seen.has(key)) return;
    seen.add(key);
    options.onTrouble?.(text);
  }

  function settle(pinger: Pinger, reachable: boolean): void {
    for (const waiter of pinger.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(reachable);
    }
    pinger.waiters.clear();
  }

  function idleStopMs(): number {
    return options.idleStopMs ?? Math.max(30_000, 10 * (intervalMs ?? 1000));
  }

  function onLine(pinger: Pinger, child: ChildProcess, line: string): void {
    const parsed = parsePingLine(line);
    if (parsed.kind === 'reply') {
      pinger.reported.clear();
      settle(pinger, true);
    }
    // Nobody asks any more (the engine stopped probing): do not ping forever.
    if (pinger.waiters.size === 0 && nowMs() - pinger.lastAskedAtMs > idleStopMs()) {
      pingers.delete(pinger.address);
      pinger.child = null;
      child.kill('SIGKILL');
    }
  }

  function lineReader(onLineOf: (line: string) => void): (chunk: string) => void {
    let partial = '';
    return (chunk) => {
      partial += chunk;
      let newline = partial.indexOf('\n');
      while (newline >= 0) {
        onLineOf(partial.slice(0, newline));
        partial = partial.slice(newline + 1);
        newline = partial.indexOf('\n');
      }
      if (partial.length > MAX_LINE_CHARS) partial = '';
    };
  }

  function start(pinger: Pinger, everyMs: number): void {
    const [command, ...args] = pingArgv(pinger.address, everyMs, options.command);
    let child: ChildProcess;
    try {
      child = spawn(command!, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', LANG: 'C' },
      });
    } catch (error) {
      // Only for arguments spawn cannot take (a NUL in the address): nothing to retry.
      trouble(pinger, 'spawn-throw', `cannot run ${command} ${pinger.address}: ${(error as Error).message}; it counts as unreachable`);
      pinger.restartDelayMs = maxDelayMs;
      pinger.nextStartAtMs = nowMs() + maxDelayMs;
      return;
    }
    pinger.child = child;
    pinger.startedAtMs = nowMs();
    pinger.stderrTail = '';
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', lineReader((line) => onLine(pinger, child, line)));
    child.stderr!.on(
      'data',
      lineReader((line) => {
        if (line.trim() !== '') pinger.stderrTail = line.trim().slice(0, 200);
        onLine(pinger, child, '');
      }),
    );
    let gone = false;
    const onGone = (describe: () => string, key: string): void => {
      if (gone) return;
      gone = true;
      if (pinger.child !== child) return; // stopped on purpose (idle, stop())
      pinger.child = null;
      settle(pinger, false);
      if (stopped) return;
      // A ping that ran a while gets the short delay again; one that keeps failing waits longer.
      const ranMs = nowMs() - pinger.startedAtMs;
      pinger.restartDelayMs = ranMs >= maxDelayMs ? firstDelayMs : Math.min(maxDelayMs, Math.max(firstDelayMs, pinger.restartDelayMs * 2));
      pinger.nextStartAtMs = nowMs() + pinger.restartDelayMs;
      trouble(pinger, key, `${describe()}; ${pinger.address} counts as unreachable until ping runs again (next try in ${pinger.restartDelayMs / 1000} s)`);
    };
    child.on('error', (error) => {
      const code = (error as NodeJS.ErrnoException).code ?? error.message;
      // A missing ping is one trouble for every address, reported once.
      if (code === 'ENOENT' || code === 'EACCES') {
        trouble(null, `spawn:${code}`, `cannot run ${command}: ${error.message}; every ping target counts as unreachable`);
        gone = true;
        if (pinger.child === child) {
          pinger.child = null;
          settle(pinger, false);
          pinger.restartDelayMs = maxDelayMs;
          pinger.nextStartAtMs = nowMs() + maxDelayMs;
        }
        return;
      }
      onGone(() => `cannot run ${command} ${pinger.address}: ${error.message}`, `error:${code}`);
    });
    child.on('close', (code, signal) => {
      const why = signal !== null ? `was killed by ${signal}` : `exited with status ${String(code)}`;
      onGone(() => `${command} ${pinger.address} ${why}${pinger.stderrTail === '' ? '' : `: ${pinger.stderrTail}`}`, `exit:${String(code)}:${String(signal)}`);
    });
  }

  return {
    probe(address, timeoutMs) {
      return new Promise<boolean>((resolve) => {
        if (stopped) return resolve(false);
        intervalMs ??= timeoutMs;
        const everyMs = Math.max(MIN_INTERVAL_MS, intervalMs);
        let pinger = pingers.get(address);
        if (pinger === undefined) {
          pinger = { address, child: null, startedAtMs: 0, nextStartAtMs: -Infinity, restartDelayMs: 0, lastAskedAtMs: 0, waiters: new Set(), reported: new Set(), stderrTail: '' };
          pingers.set(address, pinger);
        }
        pinger.lastAskedAtMs = nowMs();
        if (pinger.child === null) {
          if (nowMs() < pinger.nextStartAtMs) return resolve(false);
          start(pinger, everyMs);
          if (pinger.child === null) return resolve(false);
        }
        // Replies come once an interval: wait for the next one even if timeoutMs is shorter.
        const waitMs = Math.max(timeoutMs, everyMs + INTERVAL_GRACE_MS);
        const owner = pinger;
        const waiter: Waiter = {
          resolve,
          timer: setTimeout(() => {
            owner.waiters.delete(waiter);
            resolve(false);
          }, waitMs),
        };
        owner.waiters.add(waiter);
      });
    },
    stop() {
      stopped = true;
      for (const pinger of pingers.values()) {
        const child = pinger.child;
        pinger.child = null;
        settle(pinger, false);
        if (child !== null && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      pingers.clear();
    },
  };
}
