// The status document: what `hbctl status --json` prints under `data` and what the daemon
// answers to `status`. It is the core's NodeView (packages/core/src/types.ts) made meaningful
// outside the daemon: monotonic instants become ages ("…AgoMs", relative to the moment the
// document was built) and wall-clock timestamps, plus facts only the shell knows (pid, uptime,
// packet counters, event-loop stalls, the last failover and its timeline).
//
// Changing a field's meaning needs STATUS_DOCUMENT_VERSION + 1; adding a field does not.

export const STATUS_DOCUMENT_VERSION = 1;

// The vocabulary of the engine's NodeView, restated here because @hbd/ipc depends on no other
// package (the daemon passes the real NodeView; TypeScript checks the two stay compatible).
export type NodeStatusWord = 'init' | 'up' | 'active' | 'dead' | 'leaving';
export type LocalStatusWord = 'init' | 'up' | 'active' | 'leaving' | 'stopped';
export type GroupLocalState = 'stopped' | 'starting' | 'started' | 'stopping' | 'failed' | 'unclean';
export type MemberState = 'stopped' | 'starting' | 'started' | 'stopping' | 'failed';

/** Structurally the core's NodeView (packages/core/src/types.ts). */
export interface NodeViewLike {
  readonly localNode: string;
  readonly generation: number;
  readonly nowMs: number;
  readonly status: LocalStatusWord;
  readonly nodes: readonly {
    readonly name: string;
    readonly status: NodeStatusWord;
    readonly generation: number | null;
    readonly lastHeardAtMs: number | null;
    readonly pingReachable: number | null;
    readonly links: readonly { readonly link: string; readonly status: 'up' | 'dead'; readonly lastHeardAtMs: number | null }[];
  }[];
  readonly pingTargets: readonly { readonly name: string; readonly status: 'up' | 'dead'; readonly lastHeardAtMs: number | null }[];
  readonly quorum: { readonly reachable: number; readonly total: number; readonly hasQuorum: boolean };
  readonly groups: readonly {
    readonly id: string;
    readonly preferredNode: string;
    readonly owner: string | null;
    readonly localState: GroupLocalState;
    readonly epoch: number;
    readonly members: readonly { readonly token: string; readonly state: MemberState }[];
    readonly blockedBy?: { readonly node: string; readonly why: 'unclean' | 'notFenced' };
    readonly refusal?: string;
  }[];
}

export interface LinkStatus {
  readonly link: string;
  readonly status: 'up' | 'dead';
  readonly lastHeardAgoMs: number | null;
}

export interface NodeStatus {
  readonly name: string;
  readonly local: boolean;
  readonly status: NodeStatusWord;
  readonly generation: number | null;
  readonly lastHeardAgoMs: number | null;
  /** How many ping targets that node says it reaches (null until heard). */
  readonly pingReachable: number | null;
  readonly links: readonly LinkStatus[];
}

export interface PingTargetStatus {
  readonly name: string;
  readonly status: 'up' | 'dead';
  readonly lastHeardAgoMs: number | null;
}

export interface GroupMemberStatus {
  readonly token: string;
  readonly state: MemberState;
}

export interface GroupStatus {
  readonly id: string;
  readonly preferredNode: string;
  readonly owner: string | null;
  readonly localState: GroupLocalState;
  readonly epoch: number;
  readonly members: readonly GroupMemberStatus[];
  /** Another node keeps the group from starting anywhere: its stop failed there, or it is dead and not fenced. */
  readonly blockedBy: { readonly node: string; readonly why: 'unclean' | 'notFenced' } | null;
  /** Why this node last refused to start the group, in words. */
  readonly refusal: string | null;
}

export interface PacketCounters {
  readonly received: number;
  readonly sent: number;
  readonly sendErrors: number;
  /** Every packet that reached a socket and was not handed to the engine, by reason. */
  readonly dropped: { readonly total: number; readonly byReason: Readonly<Record<string, number>> };
}

export interface EventLoopFacts {
  /** Stalls longer than warntime reported to the engine since start. */
  readonly stalls: number;
  readonly longestStallMs: number;
  readonly lastStallAgoMs: number | null;
  /** p99 of the event-loop delay over the daemon's life (perf_hooks), null if not measured. */
  readonly delayP99Ms: number | null;
}

export interface TimelineEntry {
  /** Milliseconds after the first entry of this timeline. */
  readonly offsetMs: number;
  /** Wall-clock instant (ISO 8601). */
  readonly at: string;
  readonly kind: string;
  readonly text: string;
}

/** The last time a group moved on or off this node, with the events that led to it. */
export interface FailoverRecord {
  readonly group: string;
  readonly direction: 'takeover' | 'release';
  readonly from: string | null;
  readonly to: string | null;
  readonly reason: string;
  readonly startedAt: string;
  readonly startedAgoMs: number;
  /** Null while still in progress. */
  readonly tookMs: number | null;
  readonly outcome: 'inProgress' | 'done' | 'failed';
  readonly timeline: readonly TimelineEntry[];
}

export interface DaemonFacts {
  readonly pid: number;
  readonly version: string;
  readonly startedAt: string;
  readonly uptimeMs: number;
  readonly configDir: string;
  readonly clusterName: string;
  readonly configDigest: string;
  readonly timers: {
    readonly keepaliveMs: number;
    readonly warntimeMs: number;
    readonly deadtimeMs: number;
    readonly initdeadMs: number;
  };
  readonly autoFailback: string;
  readonly shuttingDown: boolean;
  readonly packets: PacketCounters;
  readonly eventLoop: EventLoopFacts;
  readonly lastFailover: FailoverRecord | null;
}

export interface StatusDocument {
  readonly statusVersion: typeof STATUS_DOCUMENT_VERSION;
  readonly localNode: string;
  readonly localStatus: LocalStatusWord;
  readonly generation: number;
  readonly daemon: {
    readonly pid: number;
    readonly version: string;
    readonly startedAt: string;
    readonly uptimeMs: number;
    readonly configDir: string;
    readonly shuttingDown: boolean;
  };
  readonly cluster: {
    readonly name: string;
    readonly configDigest: string;
    readonly keepaliveMs: number;
    readonly warntimeMs: number;
    readonly deadtimeMs: number;
    readonly initdeadMs: number;
    readonly autoFailback: string;
  };
  readonly nodes: readonly NodeStatus[];
  readonly pingTargets: readonly PingTargetStatus[];
  readonly quorum: { readonly reachable: number; readonly total: number; readonly hasQuorum: boolean };
  readonly groups: readonly GroupStatus[];
  readonly packets: PacketCounters;
  readonly eventLoop: EventLoopFacts;
  readonly lastFailover: FailoverRecord | null;
}

function agoMs(nowMs: number, atMs: number | null): number | null {
  return atMs === null ? null : Math.max(0, Math.round(nowMs - atMs));
}

/**
 * Builds the document. `nowMs` is the shell's monotonic now (same clock as the view's instants);
 * it may be later than `view.nowMs`, the engine's last input.
 */
export function buildStatusDocument(view: NodeViewLike, facts: DaemonFacts, nowMs: number): StatusDocument {
  return {
    statusVersion: STATUS_DOCUMENT_VERSION,
    localNode: view.localNode,
    localStatus: view.status,
    generation: view.generation,
    daemon: {
      pid: facts.pid,
      version: facts.version,
      startedAt: facts.startedAt,
      uptimeMs: facts.uptimeMs,
      configDir: facts.configDir,
      shuttingDown: facts.shuttingDown,
    },
    cluster: {
      name: facts.clusterName,
      configDigest: facts.configDigest,
      ...facts.timers,
      autoFailback: facts.autoFailback,
    },
    nodes: view.nodes.map((node) => ({
      name: node.name,
      local: node.name === view.localNode,
      status: node.status,
      generation: node.generation,
      lastHeardAgoMs: agoMs(nowMs, node.lastHeardAtMs),
      pingReachable: node.pingReachable,
      links: node.links.map((link) => ({ link: link.link, status: link.status, lastHeardAgoMs: agoMs(nowMs, link.lastHeardAtMs) })),
    })),
    pingTargets: view.pingTargets.map((target) => ({
      name: target.name,
      status: target.status,
      lastHeardAgoMs: agoMs(nowMs, target.lastHeardAtMs),
    })),
    quorum: { ...view.quorum },
    groups: view.groups.map((group) => ({
      id: group.id,
      preferredNode: group.preferredNode,
      owner: group.owner,
      localState: group.localState,
      epoch: group.epoch,
      members: group.members.map((member) => ({ token: member.token, state: member.state })),
      blockedBy: group.blockedBy === undefined ? null : { node: group.blockedBy.node, why: group.blockedBy.why },
      refusal: group.refusal ?? null,
    })),
    packets: facts.packets,
    eventLoop: facts.eventLoop,
    lastFailover: facts.lastFailover,
  };
}
