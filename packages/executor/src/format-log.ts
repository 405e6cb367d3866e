// One line per agent call, in words an operator reads: what ran, what came out, how long it took.
import type { AgentOpLogEntry } from './types';

export function formatAgentOpLog(entry: AgentOpLogEntry): string {
  if (entry.kind === 'agentOpStarted') return `Running ${entry.argv.join(' ')}`;
  const exit = entry.exitCode !== null ? `exit ${entry.exitCode}` : entry.exitSignal ? `signal ${entry.exitSignal}` : 'no exit code';
  return `${entry.token} ${entry.action}: ${entry.outcome} (${entry.reason}; ${exit}) in ${entry.durationMs} ms`;
}
