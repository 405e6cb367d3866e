// Words with numbers for event reasons: "nodea dead for 6.0 s; ping 1/1 reachable".

import type { NodeState } from './state';

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function quorumText(s: NodeState): string {
  const total = s.pings.length;
  if (total === 0) return 'no ping nodes configured';
  return `ping ${s.reachable}/${total} reachable`;
}

export function nodeName(s: NodeState, index: number): string {
  return s.config.nodes[index] ?? `#${index}`;
}

export function nameOrNull(s: NodeState, index: number): string | null {
  return index >= 0 ? nodeName(s, index) : null;
}

export function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}
