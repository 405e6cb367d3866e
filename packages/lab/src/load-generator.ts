// A CPU load generator for "false deaths under load": one busy loop per CPU (or as asked), in the
// client namespace so the lab's cleanup kills it, each bounded by `timeout` so that even a harness
// killed with -9 leaves nothing spinning for long.

import { availableParallelism } from 'node:os';
import type { ClusterNode } from './cluster-node';
import { signalPids } from './faults';

export interface LoadGenerator {
  readonly pids: readonly number[];
  stop(): void;
}

export function startLoadGenerator(node: ClusterNode, options: { readonly workers?: number; readonly maxDurationMs: number }): LoadGenerator {
  const workers = options.workers ?? availableParallelism();
  const seconds = Math.max(1, Math.ceil(options.maxDurationMs / 1000));
  const pids: number[] = [];
  for (let i = 0; i < workers; i += 1) {
    const child = node.spawn(['timeout', '-s', 'KILL', String(seconds), 'sh', '-c', 'while :; do :; done']);
    if (child.pid !== undefined) pids.push(child.pid);
  }
  return {
    pids,
    stop() {
      // Each worker is its own process group (timeout + sh).
      signalPids(pids.map((pid) => -pid), 'SIGKILL');
    },
  };
}
