// The engine under test, as the simulator sees it: the three entry points fixed in
// packages/core/src/types.ts. The simulator drives whatever implements them: the real core, or a
// test-only wrapper around it (planted bugs).

import type { ClusterConfig } from '@hbd/config';
import type { BootInfo, Input, NodeView, StepResult } from '@hbd/core';
import * as core from '@hbd/core';

export interface Engine<S = unknown> {
  readonly name: string;
  createNode(config: ClusterConfig, boot: BootInfo): StepResult<S>;
  step(state: S, input: Input): StepResult<S>;
  describeNode(state: S): NodeView;
}

type CoreEntryPoints = Partial<Omit<Engine, 'name'>>;

/** The real engine from @hbd/core, or null while it is not exported yet. */
export function coreEngine(): Engine | null {
  const entry = core as unknown as CoreEntryPoints;
  if (typeof entry.createNode !== 'function' || typeof entry.step !== 'function' || typeof entry.describeNode !== 'function') {
    return null;
  }
  return { name: '@hbd/core', createNode: entry.createNode, step: entry.step, describeNode: entry.describeNode };
}

/** The real engine, or an error that says why the simulator cannot run. */
export function requireCoreEngine(): Engine {
  const engine = coreEngine();
  if (engine === null) {
    throw new Error('HB_SIM_NO_ENGINE: @hbd/core does not export createNode/step/describeNode yet (packages/core/src/engine.ts)');
  }
  return engine;
}
