// @hbd/sim: the deterministic simulator. Tests and the `hbd-sim` bin use these.

export { SimRng, deriveSeed, isValidSeed, SEED_MAX } from './rng';
export { EventQueue } from './event-queue';
export { SimAgents, DEFAULT_TIMING, type AgentBehaviour, type AgentTiming, type MemberTruth } from './agents';
export { SimNetwork, CLEAN_CHANNEL, type ChannelConditions } from './network';
export { SimPing } from './ping';
export { jsonCodec, type SimCodec, type CodecEndpoint, type Packet } from './codec';
export { wireCodec, nodeHmac } from './wire-codec';
export { coreEngine, requireCoreEngine, type Engine } from './engine-port';
export { buildClusterConfig, seedTopology, linkName, type SimTopology, type SimGroupSpec } from './sim-config';
export { InvariantMonitor, defaultBounds, type Violation, type InvariantCode, type InvariantBounds } from './invariants';
export { Simulation, type SimulationOptions, type NodeClock, type AdminRecord } from './simulation';
export { Timeline, type TimelineMode } from './timeline';
export { renderEvent, type RenderedLine } from './render-event';
export { swarmFor, describeSwarm, FAULT_KINDS, PROFILES, type Swarm, type FaultKind, type ProfileName } from './swarm';
export { FaultInjector } from './faults';
export { runSeed, formatFailure, convergence, convergenceBoundMs, adminBoundMs, replayCommands, type SeedOutcome, type RunSeedOptions } from './run-seed';
