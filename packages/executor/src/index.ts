export * from './types';
export { runResourceOp, DEFAULT_KILL_GRACE_MS } from './run-resource-op';
export { agentArgv, heartbeatStatusFromOutput, judgeOutcome } from './calling-convention';
export { agentEnvironment, heartbeatEnv, AGENT_PATH, type HeartbeatEnvOptions } from './agent-env';
export { formatAgentOpLog } from './format-log';
export { OutputTail } from './output-tail';
// Tests and the lab only: the engine sequences groups in the product.
export { runGroupSequentially, type GroupRunOptions, type GroupRunReport, type GroupStep } from './group-runner';
