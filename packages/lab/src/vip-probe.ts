// The VIP probe: from the client namespace, an ARP "who has VIP?" every few milliseconds
// (scripts/arp-probe.py, bounded in rate and duration), collected into a ProbeTimeline. It answers
// "which MAC(s) answer the VIP right now", times hand-overs, and watches the invariant: never two
// MACs at once.

import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ClusterNode } from './cluster-node';
import { ARP_PROBE_SCRIPT } from './paths';
import { parseProbeLine, ProbeTimeline, type OwnerSegment, type ProbeRound } from './probe-timeline';
import { LabTimeoutError, monotonicMs } from './time';

export interface VipProbeOptions {
  /** Between ARP requests (default 20 ms: 50 requests/s). */
  readonly intervalMs?: number;
  /** Hard bound of the prober's life (default 2 h); stop() ends it earlier. */
  readonly maxDurationMs?: number;
}

export interface WaitForOwnerOptions {
  /**
   * Only segments still answering at or after this instant count (monotonic ms; default now). A
   * segment that began earlier matches too: compare its fromMs with your instant when timing.
   */
  readonly sinceMs?: number;
  readonly timeoutMs: number;
  /** The matching answer must hold this long (default 0: the first matching round). */
  readonly stableMs?: number;
}

export interface VipProbe {
  readonly vip: string;
  readonly timeline: ProbeTimeline;
  /** MACs that answered the latest round ([] = nobody, 2+ = two owners). */
  currentMacs(): readonly string[];
  /**
   * Resolves with the first segment (answering at or after `sinceMs`) whose MACs satisfy `match`
   * and which held for `stableMs`; rejects after `timeoutMs` or if the prober dies.
   */
  waitFor(description: string, match: (macs: readonly string[]) => boolean, options: WaitForOwnerOptions): Promise<OwnerSegment>;
  /** Waits until exactly `mac` answers (alone). */
  waitForOwner(mac: string, options: WaitForOwnerOptions): Promise<OwnerSegment>;
  stop(): Promise<void>;
}

interface Waiter {
  readonly match: (macs: readonly string[]) => boolean;
  readonly sinceMs: number;
  readonly stableMs: number;
  readonly resolve: (segment: OwnerSegment) => void;
  readonly reject: (err: Error) => void;
}

export async function startVipProbe(client: ClusterNode, vip: string, options: VipProbeOptions = {}): Promise<VipProbe> {
  const intervalMs = options.intervalMs ?? 20;
  const maxDurationMs = options.maxDurationMs ?? 2 * 3600_000;
  const timeline = new ProbeTimeline();
  const child: ChildProcess = client.spawn(
    ['python3', '-u', ARP_PROBE_SCRIPT, '--iface', client.ifname, '--src-ip', client.address, '--target', vip, '--interval-ms', String(intervalMs), '--duration-s', String(maxDurationMs / 1000)],
    { stdio: 'pipe' },
  );
  // stdin stays open: the prober exits when it closes (stop(), or this process going away).
  const waiters = new Set<Waiter>();
  let failure: Error | null = null;
  let stderr = '';
  let stopped = false;

  const check = (): void => {
    for (const waiter of [...waiters]) {
      // A segment still going at or after `sinceMs` (it may have begun earlier: "B answers alone"
      // is true right away when B already did).
      const found = timeline.segments(waiter.sinceMs).find((segment) => waiter.match(segment.macs) && segment.lastMs - segment.fromMs >= waiter.stableMs);
      if (found !== undefined) {
        waiters.delete(waiter);
        waiter.resolve(found);
      }
    }
  };
  const fail = (err: Error): void => {
    failure ??= err;
    for (const waiter of [...waiters]) {
      waiters.delete(waiter);
      waiter.reject(err);
    }
  };

  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  lines.on('line', (line) => {
    const round: ProbeRound | null = parseProbeLine(line);
    if (round === null) return;
    timeline.add(round);
    check();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    if (!stopped) fail(new Error(`HB_LAB_PROBE_DIED: the ARP prober exited (${code ?? signal}): ${stderr.trim().split('\n').slice(-3).join(' / ')}`));
  });

  // The first round proves the prober runs (raw socket allowed, interface present).
  await new Promise<void>((resolve, reject) => {
    const started = monotonicMs();
    const timer = setInterval(() => {
      if (timeline.rounds > 0) {
        clearInterval(timer);
        resolve();
      } else if (failure !== null || monotonicMs() - started > 10_000) {
        clearInterval(timer);
        reject(failure ?? new LabTimeoutError('the ARP prober\'s first round', 10_000, stderr.trim()));
      }
    }, 20);
  });

  const probe: VipProbe = {
    vip,
    timeline,
    currentMacs: () => timeline.latest?.macs ?? [],
    waitFor(description, match, waitOptions) {
      if (failure !== null) return Promise.reject(failure);
      const sinceMs = waitOptions.sinceMs ?? monotonicMs();
      return new Promise<OwnerSegment>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = timeline
            .segments(sinceMs)
            .slice(-4)
            .map((segment) => `[${segment.macs.join(' ') || 'nobody'}] ${Math.round(segment.lastMs - segment.fromMs)} ms`)
            .join(', ');
          reject(new LabTimeoutError(`VIP ${vip}: ${description}`, waitOptions.timeoutMs, `seen: ${seen || 'no rounds'}`));
        }, waitOptions.timeoutMs);
        const waiter: Waiter = {
          match,
          sinceMs,
          stableMs: waitOptions.stableMs ?? 0,
          resolve: (segment) => {
            clearTimeout(timer);
            resolve(segment);
          },
          reject: (err) => {
            clearTimeout(timer);
            reject(err);
          },
        };
        waiters.add(waiter);
        check();
      });
    },
    waitForOwner(mac, waitOptions) {
      const wanted = mac.toLowerCase();
      return probe.waitFor(`answered by ${wanted} alone`, (macs) => macs.length === 1 && macs[0] === wanted, waitOptions);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      fail(new Error('the VIP probe was stopped'));
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
      lines.close();
    },
  };
  return probe;
}
