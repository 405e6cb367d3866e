// Past-tense domain events. The core never logs; the shell maps every event to a log line
// (exhaustive switch), the simulator renders them into golden timelines.
// Add kinds as the engine grows; keep the numbers behind each decision in the event.

import type { AtMs, GroupId, NodeName } from './ids';

export type ClusterEvent =
  | { readonly kind: 'nodeStarted'; readonly atMs: AtMs; readonly generation: number }
  | { readonly kind: 'peerHeard'; readonly atMs: AtMs; readonly peer: NodeName; readonly generation: number; readonly firstTime: boolean }
  | { readonly kind: 'peerRestarted'; readonly atMs: AtMs; readonly peer: NodeName; readonly oldGeneration: number; readonly newGeneration: number }
  | {
      readonly kind: 'lateHeartbeat';
      readonly atMs: AtMs;
      readonly peer: NodeName;
      readonly sinceMs: number;
      readonly warntimeMs: number;
      readonly deadtimeMs: number;
    }
  | { readonly kind: 'peerDeclaredDead'; readonly atMs: AtMs; readonly peer: NodeName; readonly silentMs: number }
  | { readonly kind: 'linkUp'; readonly atMs: AtMs; readonly peer: NodeName; readonly link: string }
  | { readonly kind: 'linkDead'; readonly atMs: AtMs; readonly peer: NodeName; readonly link: string; readonly silentMs: number }
  | { readonly kind: 'pingTargetUp'; readonly atMs: AtMs; readonly target: string }
  | {
      readonly kind: 'pingTargetDead';
      readonly atMs: AtMs;
      readonly target: string;
      readonly silentMs: number;
      /** Declared before deadping because no peer was heard for this long either: this node is cut off. */
      readonly peersSilentMs?: number;
    }
  | { readonly kind: 'quorumChanged'; readonly atMs: AtMs; readonly reachable: number; readonly total: number; readonly hasQuorum: boolean }
  | {
      readonly kind: 'groupTakeoverStarted';
      readonly atMs: AtMs;
      readonly group: GroupId;
      readonly from: NodeName | null;
      readonly reason: string; // human words with numbers: "master1 dead for 30.1 s; ping 1/1 reachable"
    }
  | { readonly kind: 'groupReleaseStarted'; readonly atMs: AtMs; readonly group: GroupId; readonly to: NodeName | null; readonly reason: string }
  | { readonly kind: 'groupStarted'; readonly atMs: AtMs; readonly group: GroupId; readonly tookMs: number }
  | { readonly kind: 'groupStopped'; readonly atMs: AtMs; readonly group: GroupId; readonly tookMs: number }
  | { readonly kind: 'groupStartFailed'; readonly atMs: AtMs; readonly group: GroupId; readonly resource: string; readonly detail: string }
  | { readonly kind: 'groupUnclean'; readonly atMs: AtMs; readonly group: GroupId; readonly resource: string; readonly attempts: number }
  | { readonly kind: 'refusedTakeover'; readonly atMs: AtMs; readonly group: GroupId; readonly reason: string }
  | {
      readonly kind: 'resourceOpStarted';
      readonly atMs: AtMs;
      readonly group: GroupId;
      readonly resource: string;
      readonly action: 'start' | 'stop' | 'status';
      readonly opId: number;
    }
  | {
      readonly kind: 'resourceOpCompleted';
      readonly atMs: AtMs;
      readonly group: GroupId;
      readonly resource: string;
      readonly action: 'start' | 'stop' | 'status';
      readonly opId: number;
      readonly outcome: string;
      readonly exitCode: number | null;
      readonly tookMs: number;
      readonly outputTail: string;
    }
  | { readonly kind: 'splitBrainDetected'; readonly atMs: AtMs; readonly group: GroupId; readonly peer: NodeName; readonly winner: NodeName; readonly rule: string }
  | { readonly kind: 'localStall'; readonly atMs: AtMs; readonly stalledMs: number }
  | { readonly kind: 'shutdownCompleted'; readonly atMs: AtMs }
  // Added with the engine (issue 3):
  /** Every peer has been heard or declared dead: the node is active and may own groups (Heartbeat's Comm_now_up). */
  | { readonly kind: 'communicationsUp'; readonly atMs: AtMs; readonly waitedMs: number; readonly alive: readonly NodeName[]; readonly dead: readonly NodeName[] }
  /** The peer announced a clean shutdown: its groups are stopped and may be taken over now. */
  | { readonly kind: 'peerLeaving'; readonly atMs: AtMs; readonly peer: NodeName }
  /** Monitoring found a started resource not running (or its status check failed or timed out). */
  | {
      readonly kind: 'resourceFailed';
      readonly atMs: AtMs;
      readonly group: GroupId;
      readonly resource: string;
      readonly outcome: string;
      readonly action: 'restart' | 'move';
      readonly detail: string;
    }
  | { readonly kind: 'fencingStarted'; readonly atMs: AtMs; readonly node: NodeName; readonly reason: string }
  | { readonly kind: 'fencingFinished'; readonly atMs: AtMs; readonly node: NodeName; readonly success: boolean; readonly by: NodeName }
  /** An operator cleanup (or a peer's) cleared failed/unclean markers of a group on this node. */
  | { readonly kind: 'groupCleanedUp'; readonly atMs: AtMs; readonly group: GroupId; readonly by: NodeName; readonly was: string }
  | {
      readonly kind: 'adminRequestFinished';
      readonly atMs: AtMs;
      readonly requestId: string;
      readonly command: 'standby' | 'takeover' | 'cleanup';
      readonly scope: string;
      readonly ok: boolean;
      readonly message: string;
    }
  | { readonly kind: 'shutdownStarted'; readonly atMs: AtMs; readonly holding: readonly GroupId[] }
  /**
   * The start-up probe found members of a group running before this hbd started any (a previous
   * hbd died, or someone started them by hand): all of them → adopted; some → stopped.
   */
  | { readonly kind: 'groupFoundRunning'; readonly atMs: AtMs; readonly group: GroupId; readonly running: readonly string[]; readonly action: 'adopt' | 'stop' };
