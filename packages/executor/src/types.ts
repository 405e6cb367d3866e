// The executor's contract: one operation of one resource in, one result out.
import type { AgentKind, ResourceSpec } from '@hbd/config';

/**
 * Same vocabulary as `OpOutcome` in @hbd/core (packages/core/src/types.ts); repeated here because
 * the executor is a shell package that does not depend on the engine. Keep the two identical.
 */
export type OpOutcome =
  | 'ok' // start/stop succeeded; status: running
  | 'notRunning' // status only: cleanly stopped
  | 'failed' // non-zero exit (start/stop), the agent could not be run, or status says failed
  | 'timedOut'; // killed by the executor's timeout

/** Every outcome, for exhaustive handling and for the drift check against @hbd/core. */
export const OP_OUTCOMES: readonly OpOutcome[] = ['ok', 'notRunning', 'failed', 'timedOut'];

export type ResourceAction = 'start' | 'stop' | 'status';

export interface ResourceOpRequest {
  /** The haresources token; `agent` (path + kind) must have been filled by the resolver. */
  readonly resource: ResourceSpec;
  readonly action: ResourceAction;
  /** After this long the agent's whole process group gets SIGTERM, then SIGKILL after `killGraceMs`. */
  readonly timeoutMs: number;
  /** Grace between SIGTERM and SIGKILL on timeout or abort. Default 5000 ms. */
  readonly killGraceMs?: number;
  /**
   * Extra environment on top of the clean base (PATH, LANG=C, LC_ALL=C, HOME=/): the HA_* variables
   * Heartbeat passes (see `heartbeatEnv`), or agent settings such as HBD_IPADDR_ARP_COUNT.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** Aborting kills the agent like a timeout does (outcome 'failed', reason says aborted). */
  readonly signal?: AbortSignal;
  /** Called when the agent is spawned and when it finished: every call is logged by the caller. */
  readonly onLog?: (entry: AgentOpLogEntry) => void;
  /**
   * argv prefix the agent is run under. Empty in the product (agents inherit the daemon's
   * namespaces); the lab uses a node's `nsenter --net=… --mount=… --` prefix.
   */
  readonly runIn?: readonly string[];
  /** Bounds of the captured output tail. Default 4096 bytes and 20 lines. */
  readonly tail?: { readonly maxBytes?: number; readonly maxLines?: number };
}

export interface ResourceOpResult {
  readonly outcome: OpOutcome;
  /** Exit code, null when killed by a signal or never started. */
  readonly exitCode: number | null;
  /** The signal that ended the agent, if any (e.g. SIGKILL after a timeout). */
  readonly exitSignal: string | null;
  readonly durationMs: number;
  /** The last lines of stdout and stderr, interleaved as they arrived; bounded. */
  readonly outputTail: string;
  /** Why the outcome is what it is, for the log: "exit 0", 'stdout says "running"', "timed out after 20000 ms". */
  readonly reason: string;
  /** What was run (without `runIn`): path, args…, action. */
  readonly argv: readonly string[];
  readonly agentKind: AgentKind | null;
}

export type AgentOpLogEntry =
  | {
      readonly kind: 'agentOpStarted';
      readonly token: string;
      readonly action: ResourceAction;
      readonly argv: readonly string[];
      readonly pid: number | null;
    }
  | ({ readonly kind: 'agentOpFinished'; readonly token: string; readonly action: ResourceAction } & ResourceOpResult);
