// The daemon's injected ports (style-by-example §3.3): everything the runtime touches outside
// itself. Production implementations live beside this file; tests pass fakes.

import type { ClusterMessage, Effect, NodeName } from '@hbd/core';

/** Monotonic milliseconds (never jumps with the wall clock). */
export interface Clock {
  nowMs(): number;
  /** Calls `callback` once at (or just after) `atMs`; returns a cancel function. */
  wakeAt(atMs: number, callback: () => void): () => void;
}

/** Delivers cluster messages to peers (codec + UDP media behind it). Never throws. */
export interface Messenger {
  send(to: NodeName | 'all', message: ClusterMessage): void;
}

export type RunResourceOpEffect = Extract<Effect, { kind: 'runResourceOp' }>;

export interface ResourceOpOutcome {
  readonly outcome: 'ok' | 'notRunning' | 'failed' | 'timedOut';
  readonly exitCode: number | null;
  readonly outputTail: string;
  readonly durationMs: number;
}

/** Runs one agent operation as a child process. Never rejects: trouble is outcome 'failed'. */
export interface ResourceRunner {
  run(op: RunResourceOpEffect): Promise<ResourceOpOutcome>;
  /** Kills every running agent (shutdown timeout expired). */
  abortAll(): void;
}

/** One ICMP echo to one address. Never rejects. */
export interface Prober {
  probe(address: string, timeoutMs: number): Promise<boolean>;
  stop(): void;
}

/** The generation counter on disk. `persist` returns only once the value is durable (fsync). */
export interface GenerationStore {
  load(): number;
  persist(generation: number): void;
}

/** Fences a node. Resolves to whether the node is known to be down. */
export interface Fencer {
  fence(node: NodeName, reason: string): Promise<boolean>;
}
