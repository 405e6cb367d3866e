// One step's scratch space: the state being advanced, the instant, and the effects produced so far.

import type { AtMs } from './ids';
import type { ClusterEvent } from './events';
import type { ClusterMessage } from './messages';
import type { NodeState } from './state';
import type { Effect } from './types';

export interface Ctx {
  readonly s: NodeState;
  readonly now: AtMs;
  readonly effects: Effect[];
}

export function emit(ctx: Ctx, event: ClusterEvent): void {
  ctx.effects.push({ kind: 'emit', event });
}

/** Unreliable send (heartbeats, acks). Reliable control messages go through reliable.ts. */
export function send(ctx: Ctx, to: string, message: ClusterMessage): void {
  ctx.effects.push({ kind: 'sendMessage', to, message });
}
