export * from './ids';
export * from './messages';
export * from './events';
export * from './types';
export { createNode, step, describeNode } from './engine';
export type { NodeState } from './state';
