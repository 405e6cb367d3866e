// @hbd/daemon: hbd, the I/O shell around the engine. The command line is src/bin/hbd.ts.
export { startDaemon, DaemonStartError, HBD_VERSION, type Daemon, type DaemonOptions, type ReloadResult } from './daemon';
export { Runtime, type Engine, type RuntimeHooks, type RuntimePorts, type UnstampedInput } from './runtime';
export { createDaemonLog, type DaemonLog, type Log, type LoggerOptions } from './logger';
export { controlSocketPath, pidFilePath } from './control-socket-file';
export { linkName, planMedia, type MediaPlan, type ResolvedMedium } from './media';
export { eventMessage, eventMessageContext, type EventMessage } from './event-messages';
export { createLoopbackCluster, probeService, SERVICE_ADDRESS, type LoopbackCluster, type LoopbackClusterOptions, type LoopbackNode } from './demo/loopback-cluster';
export { runLoopbackDemo, type LoopbackDemoOptions } from './demo/loopback-demo';
