// The engine's contract: step(state, input) -> { state, effects, wakeAtMs }.
// Inputs are facts that happened (past tense); effects are imperatives; events are past-tense
// domain events for logs, metrics and golden timelines. The shell executes effects in array order.

import type { ResourceSpec } from '@hbd/config';
import type { AtMs, GroupId, NodeName } from './ids';
import type { ClusterMessage } from './messages';
import type { ClusterEvent } from './events';

export type AdminScope = 'all' | 'local' | 'foreign' | 'failback';

export type AdminRequest =
  | { readonly command: 'standby'; readonly scope: AdminScope }
  | { readonly command: 'takeover'; readonly scope: AdminScope }
  /** Operator says an unclean group is really stopped (or the node was fenced by hand). */
  | { readonly command: 'cleanup'; readonly group: GroupId };

export type ResourceAction = 'start' | 'stop' | 'status';

export type OpOutcome =
  | 'ok' // start/stop succeeded; status: running
  | 'notRunning' // status only: cleanly stopped
  | 'failed' // non-zero exit (start/stop), or status says failed
  | 'timedOut'; // killed by the executor's timeout

export type Input =
  | { readonly kind: 'timer'; readonly nowMs: AtMs }
  | {
      readonly kind: 'packetReceived';
      readonly nowMs: AtMs;
      readonly from: NodeName;
      readonly link: string; // the medium it arrived on (e.g. "ucast eth1 10.0.0.2")
      readonly generation: number; // the sender's generation (restart counter)
      readonly message: ClusterMessage;
    }
  | {
      readonly kind: 'pingProbeFinished';
      readonly nowMs: AtMs;
      readonly target: string; // PingTarget.name
      readonly address: string;
      readonly reachable: boolean;
    }
  | {
      readonly kind: 'resourceOpFinished';
      readonly nowMs: AtMs;
      readonly opId: number;
      readonly outcome: OpOutcome;
      readonly exitCode: number | null;
      readonly outputTail: string; // last lines of the agent's stdout/stderr, for the log
    }
  | { readonly kind: 'adminRequested'; readonly nowMs: AtMs; readonly requestId: string; readonly request: AdminRequest }
  | { readonly kind: 'fenceFinished'; readonly nowMs: AtMs; readonly node: NodeName; readonly success: boolean }
  /** The shell measured its own event loop stalled: peers must not be judged on stale evidence. */
  | { readonly kind: 'localStallDetected'; readonly nowMs: AtMs; readonly stalledMs: number }
  /** SIGTERM: stop local groups right to left, tell peers, then report shutdownCompleted. */
  | { readonly kind: 'shutdownRequested'; readonly nowMs: AtMs };

export type Effect =
  | { readonly kind: 'sendMessage'; readonly to: NodeName | 'all'; readonly message: ClusterMessage }
  | {
      readonly kind: 'runResourceOp';
      readonly opId: number;
      readonly group: GroupId;
      readonly resourceIndex: number;
      readonly resource: ResourceSpec;
      readonly action: ResourceAction;
      readonly timeoutMs: number;
    }
  | { readonly kind: 'probePingTarget'; readonly target: string; readonly address: string; readonly timeoutMs: number }
  /** Must be durable before any sendMessage that follows it in the same effect list. */
  | { readonly kind: 'persistGeneration'; readonly generation: number }
  | { readonly kind: 'fenceNode'; readonly node: NodeName; readonly reason: string }
  | {
      readonly kind: 'adminRequestCompleted';
      readonly requestId: string;
      readonly ok: boolean;
      readonly message: string;
      readonly moved: readonly { readonly group: GroupId; readonly from: NodeName | null; readonly to: NodeName }[];
    }
  | { readonly kind: 'emit'; readonly event: ClusterEvent };

export interface StepResult<S> {
  readonly state: S;
  readonly effects: readonly Effect[];
  /** The earliest instant at which the core wants a `timer` input (keepalive, warntime, deadtime, resend…). */
  readonly wakeAtMs: AtMs;
}

/** What the shell knows at boot, handed to `createNode`. */
export interface BootInfo {
  readonly localNode: NodeName;
  readonly nowMs: AtMs;
  /** The last generation persisted on disk (0 if none). The core persists previous + 1 before sending. */
  readonly previousGeneration: number;
}

/**
 * A read-only snapshot of one node's picture of the cluster: what `hbctl status` prints and what
 * the simulator's invariants read. Produced by `describeNode(state)`.
 */
export interface NodeView {
  readonly localNode: NodeName;
  readonly generation: number;
  readonly nowMs: AtMs;
  readonly status: 'init' | 'up' | 'active' | 'leaving' | 'stopped';
  readonly nodes: readonly {
    readonly name: NodeName;
    readonly status: 'init' | 'up' | 'active' | 'dead' | 'leaving';
    readonly generation: number | null;
    readonly lastHeardAtMs: AtMs | null;
    readonly pingReachable: number | null;
    readonly links: readonly { readonly link: string; readonly status: 'up' | 'dead'; readonly lastHeardAtMs: AtMs | null }[];
  }[];
  readonly pingTargets: readonly { readonly name: string; readonly status: 'up' | 'dead'; readonly lastHeardAtMs: AtMs | null }[];
  readonly quorum: { readonly reachable: number; readonly total: number; readonly hasQuorum: boolean };
  readonly groups: readonly {
    readonly id: GroupId;
    readonly preferredNode: NodeName;
    /** Who this node believes holds the group (itself included), null if nobody. */
    readonly owner: NodeName | null;
    readonly localState: 'stopped' | 'starting' | 'started' | 'stopping' | 'failed' | 'unclean';
    readonly epoch: number;
    readonly members: readonly { readonly token: string; readonly state: 'stopped' | 'starting' | 'started' | 'stopping' | 'failed' }[];
    /**
     * Another node keeps this group from starting anywhere: its stop failed there ('unclean', until
     * fenced or `cleanup`), or it was declared dead with fencing configured and is not fenced yet.
     */
    readonly blockedBy?: { readonly node: NodeName; readonly why: 'unclean' | 'notFenced' };
    /** Why this node last refused to start the group, in words (absent if it did not refuse). */
    readonly refusal?: string;
  }[];
}

// The engine's entry points, implemented in engine.ts:
//   createNode(config: ClusterConfig, boot: BootInfo): StepResult<NodeState>
//   step(state: NodeState, input: Input): StepResult<NodeState>
//   describeNode(state: NodeState): NodeView
// NodeState is opaque to the shell and the simulator (plain data, structurally cloneable).
