import { describe, expect, test } from '@jest/globals';
import type { ClusterConfig } from '@hbd/config';
import type { Effect, Input, NodeView, StepResult } from '@hbd/core';
import { FakeClock } from '../test/fake-clock';
import { testConfig } from '../test/test-config';
import type { GenerationStore, ResourceOpOutcome } from './ports';
import { Runtime, type AdminCompletion, type Engine } from './runtime';

// A scripted engine: it records every input and answers with the effects the test queued.
interface FakeState {
  readonly inputs: Input[];
}

class ScriptedEngine implements Engine<FakeState> {
  readonly inputs: Input[] = [];
  readonly replies: { effects: Effect[]; wakeAtMs: number }[] = [];
  depth = 0;
  maxDepth = 0;
  throwOnNext = false;
  boot: { config: ClusterConfig; previousGeneration: number } | null = null;
  bootEffects: Effect[] = [];
  bootWakeAtMs = 1000;

  createNode(config: ClusterConfig, boot: { previousGeneration: number }): StepResult<FakeState> {
    this.boot = { config, previousGeneration: boot.previousGeneration };
    return { state: { inputs: this.inputs }, effects: this.bootEffects, wakeAtMs: this.bootWakeAtMs };
  }

  step(state: FakeState, input: Input): StepResult<FakeState> {
    this.depth++;
    this.maxDepth = Math.max(this.maxDepth, this.depth);
    try {
      if (this.throwOnNext) throw new Error('invariant broken');
      this.inputs.push(input);
      const reply = this.replies.shift() ?? { effects: [], wakeAtMs: Infinity };
      return { state, effects: reply.effects, wakeAtMs: reply.wakeAtMs };
    } finally {
      this.depth--;
    }
  }

  describeNode(): NodeView {
    return { localNode: 'alpha', generation: 1, nowMs: 0, status: 'up', nodes: [], pingTargets: [], quorum: { reachable: 0, total: 0, hasQuorum: true }, groups: [] };
  }
}

const heartbeat = { type: 'heartbeat', status: 'up', pingReachable: 0, claims: [] } as const;

function harness(options: { persistFails?: boolean; loopbackSend?: boolean; stallOnce?: number; trace?: { lines: string[]; enabled: () => boolean } } = {}) {
  const clock = new FakeClock();
  const engine = new ScriptedEngine();
  const order: string[] = [];
  const events: string[] = [];
  const admin: AdminCompletion[] = [];
  const fatal: Error[] = [];
  let shutdown = 0;
  let stored = 41;
  const opResults: (ResourceOpOutcome | Error)[] = [];
  let stall = options.stallOnce ?? null;
  const generations: GenerationStore = {
    load: () => stored,
    persist: (generation) => {
      order.push(`persist ${generation}`);
      if (options.persistFails) throw new Error('EIO');
      stored = generation;
    },
  };
  const runtime: Runtime<FakeState> = new Runtime<FakeState>(
    engine,
    {
      clock,
      messenger: {
        send: (to, message) => {
          order.push(`send ${message.type} to ${to}`);
          if (options.loopbackSend) runtime.deliver({ kind: 'packetReceived', from: 'beta', link: 'lo', generation: 1, message: heartbeat });
        },
      },
      runner: {
        run: (op) => {
          order.push(`run ${op.resource.token} ${op.action}`);
          const next = opResults.shift() ?? { outcome: 'ok', exitCode: 0, outputTail: '', durationMs: 1 };
          return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
        },
        abortAll: () => undefined,
      },
      prober: { probe: (address) => Promise.resolve(address === '10.0.0.254'), stop: () => undefined },
      generations,
      fencer: { fence: () => Promise.resolve(false) },
      checkStall: () => {
        const value = stall;
        stall = null;
        return value;
      },
    },
    {
      onEvent: (event) => events.push(event.kind),
      onAdminCompleted: (completion) => admin.push(completion),
      onShutdownCompleted: () => shutdown++,
      onFatal: (error) => fatal.push(error),
      ...(options.trace === undefined ? {} : { trace: (text: string) => options.trace!.lines.push(text), traceEnabled: options.trace.enabled }),
    },
  );
  return { clock, engine, runtime, order, events, admin, fatal, opResults, shutdownCount: () => shutdown, stored: () => stored };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('Runtime', () => {
  test('trace: inputs and effects described only while tracing is enabled', () => {
    let enabled = false;
    const trace = { lines: [] as string[], enabled: () => enabled };
    const h = harness({ trace });
    h.runtime.start(testConfig(), 'alpha');
    h.engine.replies.push({ effects: [{ kind: 'sendMessage', to: 'all', message: heartbeat }], wakeAtMs: 5000 });
    h.runtime.deliver({ kind: 'timer' });
    expect(trace.lines).toEqual([]);
    enabled = true;
    h.engine.replies.push({ effects: [{ kind: 'sendMessage', to: 'all', message: heartbeat }], wakeAtMs: 5000 });
    h.runtime.deliver({ kind: 'timer' });
    expect(trace.lines).toEqual(['input timer', 'effect sendMessage heartbeat to all']);
  });

  test('boot: the engine gets the stored generation, and persistGeneration happens before the first send', () => {
    const h = harness();
    h.engine.bootEffects = [
      { kind: 'persistGeneration', generation: 42 },
      { kind: 'sendMessage', to: 'all', message: heartbeat },
      { kind: 'emit', event: { kind: 'nodeStarted', atMs: 0, generation: 42 } },
    ];
    h.runtime.start(testConfig(), 'alpha');
    expect(h.engine.boot?.previousGeneration).toBe(41);
    expect(h.order).toEqual(['persist 42', 'send heartbeat to all']);
    expect(h.stored()).toBe(42);
    expect(h.events).toEqual(['nodeStarted']);
  });

  test('a failed persist stops everything after it: no packet leaves with an unpersisted generation', () => {
    const h = harness({ persistFails: true });
    h.engine.bootEffects = [
      { kind: 'persistGeneration', generation: 42 },
      { kind: 'sendMessage', to: 'all', message: heartbeat },
    ];
    h.runtime.start(testConfig(), 'alpha');
    expect(h.order).toEqual(['persist 42']);
    expect(h.fatal[0]?.message).toMatch(/cannot persist generation 42: EIO/);
    expect(h.runtime.isHalted).toBe(true);
    expect(h.clock.armed).toEqual([]);
    h.runtime.deliver({ kind: 'timer' });
    expect(h.engine.inputs).toEqual([]);
  });

  test('exactly one timer, re-armed at each wakeAtMs; it delivers a timer input stamped with the clock', () => {
    const h = harness();
    h.engine.bootWakeAtMs = 200;
    h.runtime.start(testConfig(), 'alpha');
    expect(h.clock.armed).toEqual([200]);
    h.engine.replies.push({ effects: [], wakeAtMs: 150 });
    h.runtime.deliver({ kind: 'packetReceived', from: 'beta', link: 'lo', generation: 1, message: heartbeat });
    expect(h.clock.armed).toEqual([150]);
    h.engine.replies.push({ effects: [], wakeAtMs: 400 });
    h.clock.advance(150);
    expect(h.engine.inputs.map((input) => [input.kind, input.nowMs])).toEqual([
      ['packetReceived', 0],
      ['timer', 150],
    ]);
    expect(h.clock.armed).toEqual([400]);
  });

  test('effects run in array order, and an input caused by an effect is queued, never nested', () => {
    const h = harness({ loopbackSend: true });
    h.runtime.start(testConfig(), 'alpha');
    h.engine.replies.push({ effects: [{ kind: 'sendMessage', to: 'beta', message: heartbeat }, { kind: 'emit', event: { kind: 'localStall', atMs: 0, stalledMs: 1 } }], wakeAtMs: 10 });
    h.runtime.deliver({ kind: 'timer' });
    expect(h.engine.maxDepth).toBe(1);
    expect(h.engine.inputs.map((input) => input.kind)).toEqual(['timer', 'packetReceived']);
    expect(h.events).toEqual(['localStall']);
  });

  test('a stall is reported to the engine before the input that noticed it', () => {
    const h = harness({ stallOnce: 7000 });
    h.runtime.start(testConfig(), 'alpha');
    h.runtime.deliver({ kind: 'timer' });
    expect(h.engine.inputs.map((input) => input.kind)).toEqual(['localStallDetected', 'timer']);
    expect(h.engine.inputs[0]).toMatchObject({ stalledMs: 7000 });
  });

  test('agent, ping and fence results come back as inputs; a runner that throws is a failed op', async () => {
    const h = harness();
    h.runtime.start(testConfig(), 'alpha');
    h.opResults.push({ outcome: 'timedOut', exitCode: null, outputTail: 'killed', durationMs: 5000 }, new Error('spawn EACCES'));
    const spec = testConfig().groups[0]!.resources[0]!;
    h.engine.replies.push({
      effects: [
        { kind: 'runResourceOp', opId: 1, group: 'Dummy::web', resourceIndex: 0, resource: spec, action: 'start', timeoutMs: 100 },
        { kind: 'runResourceOp', opId: 2, group: 'Dummy::web', resourceIndex: 0, resource: spec, action: 'stop', timeoutMs: 100 },
        { kind: 'probePingTarget', target: 'gw', address: '10.0.0.254', timeoutMs: 1000 },
        { kind: 'fenceNode', node: 'beta', reason: 'stop failed' },
      ],
      wakeAtMs: 10,
    });
    h.runtime.deliver({ kind: 'timer' });
    await flush();
    const finished = h.engine.inputs.filter((input) => input.kind !== 'timer');
    expect(finished).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'resourceOpFinished', opId: 1, outcome: 'timedOut', exitCode: null, outputTail: 'killed' }),
        expect.objectContaining({ kind: 'resourceOpFinished', opId: 2, outcome: 'failed', exitCode: null }),
        expect.objectContaining({ kind: 'pingProbeFinished', target: 'gw', address: '10.0.0.254', reachable: true }),
        expect.objectContaining({ kind: 'fenceFinished', node: 'beta', success: false }),
      ]),
    );
    expect(finished).toHaveLength(4);
  });

  test('adminRequestCompleted goes to the hook; shutdownCompleted halts the runtime', () => {
    const h = harness();
    h.runtime.start(testConfig(), 'alpha');
    h.engine.replies.push({
      effects: [
        { kind: 'adminRequestCompleted', requestId: 'r1', ok: true, message: 'moved', moved: [{ group: 'Dummy::web', from: 'alpha', to: 'beta' }] },
        { kind: 'emit', event: { kind: 'shutdownCompleted', atMs: 5 } },
        { kind: 'sendMessage', to: 'all', message: heartbeat },
      ],
      wakeAtMs: 10,
    });
    h.runtime.adminRequest('r1', { command: 'standby', scope: 'all' });
    expect(h.admin.map((completion) => completion.requestId)).toEqual(['r1']);
    expect(h.shutdownCount()).toBe(1);
    expect(h.runtime.isHalted).toBe(true);
    expect(h.order).toEqual([]); // nothing after shutdownCompleted
    expect(h.clock.armed).toEqual([]);
  });

  test('an engine that throws is fatal, not a crash of the caller', () => {
    const h = harness();
    h.runtime.start(testConfig(), 'alpha');
    h.engine.throwOnNext = true;
    expect(() => h.runtime.deliver({ kind: 'timer' })).not.toThrow();
    expect(h.fatal[0]?.message).toMatch(/the engine threw \(a bug in hbd\): invariant broken/);
    expect(h.runtime.isHalted).toBe(true);
  });

  test('inputs before start are ignored', () => {
    const h = harness();
    h.runtime.deliver({ kind: 'timer' });
    expect(h.engine.inputs).toEqual([]);
  });
});
