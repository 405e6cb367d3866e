// The ResourceRunner port on top of @hbd/executor: the calling convention, clean environment
// with Heartbeat's HA_* variables, process-group kill on timeout. The engine's events carry the
// info-level start/stop lines; here the exact argv, pid and reason go to the debug log.

import { heartbeatEnv, runResourceOp, type AgentOpLogEntry } from '@hbd/executor';
import type { ClusterConfig } from '@hbd/config';
import type { Log } from './logger';
import type { ResourceRunner } from './ports';

export interface ResourceRunnerOptions {
  readonly localNode: string;
  readonly config: () => ClusterConfig;
  readonly log: Log;
  /** argv prefix for every agent (tests; empty in the product). */
  readonly runIn?: readonly string[];
  /** The agent of operation `opId` runs as `pid` (its own process group): the guardian is told. */
  readonly onAgentSpawned?: (opId: number, pid: number) => void;
}

/** The environment every agent gets on top of the clean base: Heartbeat's HA_* variables. */
export function agentEnvFor(config: ClusterConfig, localNode: string): Record<string, string> {
  return heartbeatEnv({
    localNode,
    ...(config.logging.logfile === undefined ? {} : { logfile: config.logging.logfile }),
    ...(config.logging.debugfile === undefined ? {} : { debugfile: config.logging.debugfile }),
    ...(config.logging.logfacility === undefined ? {} : { logfacility: config.logging.logfacility }),
    debugLevel: config.logging.debugLevel,
    autoFailback: config.autoFailback,
  });
}

function describe(entry: AgentOpLogEntry): string {
  if (entry.kind === 'agentOpStarted') return `agent ${entry.token} ${entry.action}: running ${entry.argv.join(' ')} (pid ${String(entry.pid)})`;
  return `agent ${entry.token} ${entry.action}: ${entry.outcome} (${entry.reason}) in ${Math.round(entry.durationMs)} ms`;
}

export function createResourceRunner(options: ResourceRunnerOptions): ResourceRunner {
  const running = new Set<AbortController>();
  return {
    async run(op) {
      const config = options.config();
      const controller = new AbortController();
      running.add(controller);
      try {
        const result = await runResourceOp({
          resource: op.resource,
          action: op.action,
          timeoutMs: op.timeoutMs,
          signal: controller.signal,
          env: agentEnvFor(config, options.localNode),
          onLog: (entry) => {
            if (entry.kind === 'agentOpStarted' && entry.pid !== null) options.onAgentSpawned?.(op.opId, entry.pid);
            options.log.debug(1, describe(entry));
          },
          ...(options.runIn === undefined ? {} : { runIn: options.runIn }),
        });
        const tail = result.outcome === 'ok' || result.outcome === 'notRunning' ? result.outputTail : `${result.outputTail}${result.outputTail === '' ? '' : '\n'}${result.reason}`;
        return { outcome: result.outcome, exitCode: result.exitCode, outputTail: tail, durationMs: result.durationMs };
      } finally {
        running.delete(controller);
      }
    },
    abortAll() {
      for (const controller of running) controller.abort();
    },
  };
}
