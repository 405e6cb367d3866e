// @hbd/config-loader: the shell around @hbd/config. Reads /etc/ha.d from disk.

export { loadClusterConfig, nodeSubdirectories, CONFIG_FILES, type LoadClusterConfigOptions, type LoadClusterConfigResult, type ConfigFileName } from './load-cluster-config';
export { resolveAgent, agentSearchOrder, defaultAgentsDir, DEFAULT_INIT_DIR, AGENTS_DIR_ENV, type AgentResolution, type AgentSearchPath, type AgentCandidate } from './agent-resolver';
export { resolveLocalNode, type LocalNode, type LocalNodeOptions, type LocalNodeSource } from './local-node';
export { interfaceDiagnostics, respawnDiagnostics, DEFAULT_NET_DIR } from './machine-checks';
export { loadClusterConfigSet, isNodeDirectorySet, type LoadClusterSetResult, type ClusterSetMember } from './load-cluster-set';
