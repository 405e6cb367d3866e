// The runtime owns the engine's state and is the only place that calls it. Every input (timer,
// packet, agent result, ping result, admin request, signal) goes through `deliver`, which stamps
// it with the monotonic clock, steps the engine, executes the effects in array order and re-arms
// the ONE timer at wakeAtMs.
//
// Ordering guarantees:
// - Inputs are stepped one at a time, FIFO. An input that arrives while effects of the previous
//   one run (a fake executor answering synchronously, a send error) is queued, not nested.
// - `persistGeneration` is synchronous (write, fsync, rename, fsync dir) and completes before the
//   next effect, so no packet ever leaves with a generation that is not on disk. If it fails, the
//   remaining effects are dropped and the runtime halts: sending with an unpersisted generation
//   could let a restarted node reuse it.
// - Before an input is stepped, the stall detector is asked whether this process itself stalled;
//   if so, `localStallDetected` is stepped first.

import type { ClusterConfig } from '@hbd/config';
import type { AdminRequest, BootInfo, ClusterEvent, Effect, Input, NodeView, StepResult } from '@hbd/core';
import type { Clock, Fencer, GenerationStore, Messenger, Prober, ResourceRunner } from './ports';

/** The engine's entry points (packages/core/src/types.ts); injected so tests can count calls. */
export interface Engine<S> {
  createNode(config: ClusterConfig, boot: BootInfo): StepResult<S>;
  step(state: S, input: Input): StepResult<S>;
  describeNode(state: S): NodeView;
}

type Distribute<T> = T extends unknown ? Omit<T, 'nowMs'> : never;
/** An input without its timestamp: the runtime stamps it. */
export type UnstampedInput = Distribute<Input>;

export type AdminCompletion = Extract<Effect, { kind: 'adminRequestCompleted' }>;

export interface RuntimeHooks {
  /** Every ClusterEvent, in order (logging, failover tracker, subscribers). */
  onEvent(event: ClusterEvent): void;
  onAdminCompleted(completion: AdminCompletion): void;
  /** The engine reported shutdownCompleted. */
  onShutdownCompleted(): void;
  /** Something the runtime cannot continue after (generation not persisted, engine threw). */
  onFatal(error: Error): void;
  /** Debug trace of inputs and effects (`debug 4`+). */
  trace?(text: string): void;
  /** Whether `trace` wants text now (default: whenever it is given): no text is built for nothing. */
  traceEnabled?(): boolean;
}

export interface RuntimePorts {
  readonly clock: Clock;
  readonly messenger: Messenger;
  readonly runner: ResourceRunner;
  readonly prober: Prober;
  readonly generations: GenerationStore;
  readonly fencer: Fencer;
  /** Asked before each input; returns stalled milliseconds when this process stalled. */
  readonly checkStall?: () => number | null;
}

export class Runtime<S> {
  private state: S | null = null;
  private readonly queue: UnstampedInput[] = [];
  private draining = false;
  private halted = false;
  private cancelTimer: (() => void) | null = null;
  private armedAtMs: number | null = null;
  private lastNowMs = -Infinity;
  private inputs = 0;

  constructor(
    private readonly engine: Engine<S>,
    private readonly ports: RuntimePorts,
    private readonly hooks: RuntimeHooks,
  ) {}

  /** Creates the node (generation = previous + 1, persisted by the first effect) and runs its first effects. */
  start(config: ClusterConfig, localNode: string): void {
    const previousGeneration = this.ports.generations.load();
    const nowMs = this.now();
    this.draining = true;
    try {
      this.apply(() => this.engine.createNode(config, { localNode, nowMs, previousGeneration }));
      this.drainQueue();
    } finally {
      this.draining = false;
    }
  }

  /** Hands one input to the engine (queued if an input is being processed). */
  deliver(input: UnstampedInput): void {
    if (this.halted || (this.state === null && !this.draining)) return; // before start: nothing to step
    this.queue.push(input);
    if (this.draining) return;
    this.draining = true;
    try {
      this.drainQueue();
    } finally {
      this.draining = false;
    }
  }

  private drainQueue(): void {
    while (this.queue.length > 0 && !this.halted) {
      const next = this.queue.shift()!;
      const stalledMs = next.kind === 'localStallDetected' ? null : (this.ports.checkStall?.() ?? null);
      if (stalledMs !== null) this.stepWith({ kind: 'localStallDetected', stalledMs });
      if (!this.halted) this.stepWith(next);
    }
  }

  describe(): NodeView | null {
    return this.state === null ? null : this.engine.describeNode(this.state);
  }

  get isHalted(): boolean {
    return this.halted;
  }

  get inputCount(): number {
    return this.inputs;
  }

  /** Stops the timer and ignores every later input (after shutdownCompleted, or on exit). */
  halt(): void {
    this.halted = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.armedAtMs = null;
  }

  adminRequest(requestId: string, request: AdminRequest): void {
    this.deliver({ kind: 'adminRequested', requestId, request });
  }

  /** Monotonic and never decreasing, even if the clock source hiccups. */
  private now(): number {
    this.lastNowMs = Math.max(this.lastNowMs, this.ports.clock.nowMs());
    return this.lastNowMs;
  }

  private stepWith(input: UnstampedInput): void {
    const stamped = { ...input, nowMs: this.now() } as Input;
    this.inputs++;
    if (this.tracing()) this.hooks.trace!(`input ${describeInput(stamped)}`);
    this.apply(() => this.engine.step(this.state as S, stamped));
  }

  private apply(run: () => StepResult<S>): void {
    let result: StepResult<S>;
    try {
      result = run();
    } catch (error) {
      this.fatal(new Error(`the engine threw (a bug in hbd): ${(error as Error).message}`, { cause: error }));
      return;
    }
    this.state = result.state;
    for (const effect of result.effects) {
      if (this.halted) return;
      this.execute(effect);
    }
    if (!this.halted) this.arm(result.wakeAtMs);
  }

  private arm(wakeAtMs: number): void {
    if (this.armedAtMs === wakeAtMs && this.cancelTimer !== null) return;
    this.cancelTimer?.();
    this.armedAtMs = wakeAtMs;
    if (!Number.isFinite(wakeAtMs)) {
      this.cancelTimer = null;
      return;
    }
    this.cancelTimer = this.ports.clock.wakeAt(wakeAtMs, () => {
      this.cancelTimer = null;
      this.armedAtMs = null;
      this.deliver({ kind: 'timer' });
    });
  }

  private tracing(): boolean {
    return this.hooks.trace !== undefined && (this.hooks.traceEnabled?.() ?? true);
  }

  private execute(effect: Effect): void {
    if (this.tracing()) this.hooks.trace!(`effect ${describeEffect(effect)}`);
    switch (effect.kind) {
      case 'sendMessage':
        this.ports.messenger.send(effect.to, effect.message);
        return;
      case 'runResourceOp':
        void this.ports.runner.run(effect).then(
          (result) => this.deliver({ kind: 'resourceOpFinished', opId: effect.opId, outcome: result.outcome, exitCode: result.exitCode, outputTail: result.outputTail }),
          (error: unknown) =>
            this.deliver({ kind: 'resourceOpFinished', opId: effect.opId, outcome: 'failed', exitCode: null, outputTail: `hbd could not run the agent: ${String(error)}` }),
        );
        return;
      case 'probePingTarget':
        void this.ports.prober.probe(effect.address, effect.timeoutMs).then(
          (reachable) => this.deliver({ kind: 'pingProbeFinished', target: effect.target, address: effect.address, reachable }),
          () => this.deliver({ kind: 'pingProbeFinished', target: effect.target, address: effect.address, reachable: false }),
        );
        return;
      case 'persistGeneration':
        try {
          this.ports.generations.persist(effect.generation);
        } catch (error) {
          this.fatal(new Error(`cannot persist generation ${effect.generation}: ${(error as Error).message}`, { cause: error }));
        }
        return;
      case 'fenceNode':
        void this.ports.fencer.fence(effect.node, effect.reason).then(
          (success) => this.deliver({ kind: 'fenceFinished', node: effect.node, success }),
          () => this.deliver({ kind: 'fenceFinished', node: effect.node, success: false }),
        );
        return;
      case 'adminRequestCompleted':
        this.hooks.onAdminCompleted(effect);
        return;
      case 'emit':
        this.hooks.onEvent(effect.event);
        if (effect.event.kind === 'shutdownCompleted') {
          this.halt();
          this.hooks.onShutdownCompleted();
        }
        return;
      default: {
        const unknown: never = effect;
        this.fatal(new Error(`unknown effect ${JSON.stringify(unknown)}`));
      }
    }
  }

  private fatal(error: Error): void {
    this.halt();
    this.hooks.onFatal(error);
  }
}

function describeInput(input: Input): string {
  switch (input.kind) {
    case 'packetReceived':
      return `packetReceived ${input.message.type} from ${input.from} via ${input.link} (generation ${input.generation})`;
    case 'resourceOpFinished':
      return `resourceOpFinished op ${input.opId}: ${input.outcome} (exit ${String(input.exitCode)})`;
    case 'pingProbeFinished':
      return `pingProbeFinished ${input.target} ${input.address}: ${input.reachable ? 'reply' : 'no reply'}`;
    case 'adminRequested':
      return `adminRequested ${input.requestId}: ${JSON.stringify(input.request)}`;
    default:
      return input.kind;
  }
}

function describeEffect(effect: Effect): string {
  switch (effect.kind) {
    case 'sendMessage':
      return `sendMessage ${effect.message.type} to ${effect.to}`;
    case 'runResourceOp':
      return `runResourceOp op ${effect.opId}: ${effect.resource.token} ${effect.action} (timeout ${effect.timeoutMs} ms)`;
    case 'emit':
      return `emit ${effect.event.kind}`;
    default:
      return effect.kind;
  }
}
