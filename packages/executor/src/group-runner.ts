// FOR TESTS AND THE LAB ONLY. In the product the engine (@hbd/core) decides what runs when and
// the daemon feeds each result back as an input; this helper is a minimal stand-in driver so the
// agents and the executor can be proven end to end without the engine: Heartbeat's R1 group
// semantics (heartbeat-3-behaviour.md §2.4, §2.5) — start left to right (a resource whose status
// already says running is skipped), on a failed start release the whole group right to left; stop
// right to left, unconditionally, each stop retried on failure a bounded number of times.
import type { ResourceSpec } from '@hbd/config';
import { runResourceOp } from './run-resource-op';
import type { ResourceAction, ResourceOpRequest, ResourceOpResult } from './types';

export interface GroupStep {
  readonly token: string;
  readonly action: ResourceAction;
  readonly attempt: number; // 1-based, > 1 only for retried stops
  readonly result: ResourceOpResult;
}

export interface GroupRunReport {
  readonly ok: boolean;
  readonly steps: readonly GroupStep[];
  /** Token of the resource whose start failed (the group was then released). */
  readonly failedStart: string | null;
  /** Resources whose stop still failed after all retries while their status says running. */
  readonly unclean: readonly string[];
}

export interface GroupRunOptions {
  readonly resources: readonly ResourceSpec[];
  readonly action: 'start' | 'stop';
  readonly timeoutsMs?: { readonly start?: number; readonly stop?: number; readonly status?: number };
  /** Heartbeat's HA_STOPRETRYMAX: retries after the first failed stop (default 10). */
  readonly stopRetriesMax?: number;
  /** Pause between stop attempts (Heartbeat: 1 s). */
  readonly stopRetryDelayMs?: number;
  /** Everything else passed to each runResourceOp call (env, runIn, onLog…). */
  readonly common?: Omit<ResourceOpRequest, 'resource' | 'action' | 'timeoutMs'>;
  readonly onStep?: (step: GroupStep) => void;
  /** Injected for unit tests; defaults to the real executor. */
  readonly run?: (request: ResourceOpRequest) => Promise<ResourceOpResult>;
}

export async function runGroupSequentially(options: GroupRunOptions): Promise<GroupRunReport> {
  const run = options.run ?? runResourceOp;
  const steps: GroupStep[] = [];
  const timeout = (action: ResourceAction): number => options.timeoutsMs?.[action] ?? (action === 'status' ? 20_000 : 90_000);
  const op = async (resource: ResourceSpec, action: ResourceAction, attempt = 1): Promise<ResourceOpResult> => {
    const result = await run({ ...options.common, resource, action, timeoutMs: timeout(action) });
    const step = { token: resource.token, action, attempt, result };
    steps.push(step);
    options.onStep?.(step);
    return result;
  };

  const stopAll = async (): Promise<string[]> => {
    const unclean: string[] = [];
    const retries = options.stopRetriesMax ?? 10;
    for (const resource of [...options.resources].reverse()) {
      let attempt = 1;
      let result = await op(resource, 'stop', attempt);
      while (result.outcome !== 'ok' && attempt <= retries) {
        await delay(options.stopRetryDelayMs ?? 1_000);
        attempt += 1;
        result = await op(resource, 'stop', attempt);
      }
      if (result.outcome !== 'ok') {
        // Heartbeat reboots when status still says running, and only warns otherwise.
        const status = await op(resource, 'status');
        if (status.outcome !== 'notRunning') unclean.push(resource.token);
      }
    }
    return unclean;
  };

  if (options.action === 'stop') {
    const unclean = await stopAll();
    return { ok: unclean.length === 0, steps, failedStart: null, unclean };
  }
  for (const resource of options.resources) {
    const status = await op(resource, 'status');
    if (status.outcome === 'ok') continue;
    const started = await op(resource, 'start');
    if (started.outcome !== 'ok') {
      const unclean = await stopAll();
      return { ok: false, steps, failedStart: resource.token, unclean };
    }
  }
  return { ok: true, steps, failedStart: null, unclean: [] };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
