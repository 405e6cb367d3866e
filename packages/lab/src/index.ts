// @hbd/lab: the cluster lab (node namespaces on a bridge, a manager under test on every node —
// hbd, Heartbeat 3.0.6 or keepalived —, fault injection, a VIP probe from a client namespace) and
// the statistics of the benchmark harness (bin/hbd-bench).

export * from './scenario';
export * from './ha-files';
export * from './keepalived-conf';
export * from './service-scripts';
export * from './stats';
export * from './probe-timeline';
export * from './proc-stats';
export * from './time';
export * from './faults';
export * from './adapters';
export { createClusterNode, NODE_MOUNTS, NODE_ENV, type ClusterNode, type NodeSpawnOptions } from './cluster-node';
export { startVipProbe, type VipProbe, type VipProbeOptions, type WaitForOwnerOptions } from './vip-probe';
export { createClusterLab, type ClusterLab, type ClusterLabOptions, type LabFaults, type ManagerState, type WaitForVipOptions } from './cluster-lab';
export { startLoadGenerator, type LoadGenerator } from './load-generator';
