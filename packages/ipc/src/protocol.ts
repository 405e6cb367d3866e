// The hbctl <-> hbd control protocol: JSON-RPC 2.0 messages, one per NDJSON line, over the
// daemon's Unix socket. Every connection starts with `hello`, which carries the protocol version;
// the daemon refuses anything else first, and a version mismatch is HB_IPC_VERSION_MISMATCH
// (hbctl exits 76).
//
// FROZEN FOREVER: the shape of `hello` (request, result and the version-mismatch error) so that
// any two versions can at least tell each other they disagree. Everything else may change with
// PROTOCOL_VERSION + 1.

import type { StatusDocument } from './status-document';

export const PROTOCOL_VERSION = 1;

export type AdminScope = 'all' | 'local' | 'foreign' | 'failback';
export const ADMIN_SCOPES: readonly AdminScope[] = ['all', 'local', 'foreign', 'failback'];

export type RequestId = number | string;

export interface HelloParams {
  readonly protocolVersion: number;
  /** Free text for the daemon's debug log, e.g. "hbctl 0.1.0 status". */
  readonly client: string;
}

export interface HelloResult {
  readonly protocolVersion: number;
  readonly daemonVersion: string;
  readonly node: string;
  readonly pid: number;
}

export interface AdminParams {
  readonly scope: AdminScope;
  /** Answer when the hand-over is done (default) or as soon as the engine accepted the request. */
  readonly wait: boolean;
}

export interface CleanupParams {
  readonly group: string;
  readonly wait: boolean;
}

/** `hbctl fence confirm NODE`: the operator power-cycled NODE by hand (meatware). */
export interface FenceConfirmParams {
  readonly node: string;
}

export interface FenceConfirmResult {
  readonly node: string;
  readonly message: string;
}

/** `hbctl fence check`: each stonith_host device this node may use, tried without fencing anything. */
export interface FenceCheckResult {
  readonly devices: readonly { readonly device: string; readonly ok: boolean; readonly hosts: readonly string[]; readonly detail: string }[];
}

export interface SubscribeParams {
  /** Push every ClusterEvent as an `event` notification. */
  readonly events: boolean;
  /** Push the status document as a `status` notification whenever it changes (throttled). */
  readonly status: boolean;
}

export interface MovedGroup {
  readonly group: string;
  readonly from: string | null;
  readonly to: string;
}

export interface AdminResult {
  readonly requestId: string;
  /** False when the daemon accepted but did not wait (wait: false); ok/message/moved are then provisional. */
  readonly completed: boolean;
  readonly ok: boolean;
  readonly message: string;
  readonly moved: readonly MovedGroup[];
  /** From the request to its completion, measured by the daemon (null if not waited). */
  readonly tookMs: number | null;
}

export interface NodeListEntry {
  readonly name: string;
  readonly type: 'normal' | 'ping';
  readonly local: boolean;
  readonly status: string;
  readonly lastHeardAgoMs: number | null;
  readonly links: readonly { readonly link: string; readonly status: 'up' | 'dead' }[];
}

export interface NodeListResult {
  readonly nodes: readonly NodeListEntry[];
}

export interface ResourceListEntry {
  readonly token: string;
  readonly name: string;
  readonly args: readonly string[];
  readonly agentPath: string | null;
  readonly agentKind: string | null;
  readonly state: string;
}

export interface ResourceGroupEntry {
  readonly id: string;
  readonly preferredNode: string;
  readonly owner: string | null;
  readonly localState: string;
  readonly resources: readonly ResourceListEntry[];
}

export interface ResourceListResult {
  readonly groups: readonly ResourceGroupEntry[];
}

export interface SubscribeResult {
  readonly subscribed: true;
}

/** A ClusterEvent as the daemon logged it. `event` is the engine's event verbatim (monotonic atMs). */
export interface EventNotification {
  readonly at: string;
  readonly level: string;
  readonly text: string;
  readonly event: { readonly kind: string; readonly [field: string]: unknown };
}

/** Method name -> params and result. The single source of truth for the client and the server. */
export interface Methods {
  hello: { params: HelloParams; result: HelloResult };
  status: { params: Record<string, never>; result: StatusDocument };
  nodeList: { params: Record<string, never>; result: NodeListResult };
  resourceList: { params: Record<string, never>; result: ResourceListResult };
  standby: { params: AdminParams; result: AdminResult };
  takeover: { params: AdminParams; result: AdminResult };
  cleanup: { params: CleanupParams; result: AdminResult };
  fenceConfirm: { params: FenceConfirmParams; result: FenceConfirmResult };
  fenceCheck: { params: Record<string, never>; result: FenceCheckResult };
  subscribe: { params: SubscribeParams; result: SubscribeResult };
}

export type MethodName = keyof Methods;
export const METHOD_NAMES: readonly MethodName[] = ['hello', 'status', 'nodeList', 'resourceList', 'standby', 'takeover', 'cleanup', 'fenceConfirm', 'fenceCheck', 'subscribe'];

/** Server -> client notifications (no id), only after `subscribe`. */
export interface Notifications {
  event: EventNotification;
  status: StatusDocument;
}

export type NotificationName = keyof Notifications;

export type Request = { [M in MethodName]: { readonly jsonrpc: '2.0'; readonly id: RequestId; readonly method: M; readonly params: Methods[M]['params'] } }[MethodName];

export interface ErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data: { readonly hbCode: string; readonly hint?: string; readonly [field: string]: unknown };
}

export type Response =
  | { readonly jsonrpc: '2.0'; readonly id: RequestId; readonly result: unknown }
  | { readonly jsonrpc: '2.0'; readonly id: RequestId | null; readonly error: ErrorObject };

export type Notification = { [N in NotificationName]: { readonly jsonrpc: '2.0'; readonly method: N; readonly params: Notifications[N] } }[NotificationName];
