// What parsing ha.cf yields before defaults and cross-checks: each value with the place it was
// written, so later checks can point at the right line.

import type { AutoFailback, Medium, PingTarget, RespawnSpec, SourceLocation, StonithDevice } from './model';

export interface Located<T> {
  readonly value: T;
  readonly location: SourceLocation;
  readonly raw: string; // as written
}

export interface HaCfSettings {
  clusterName?: Located<string>;
  readonly nodes: Located<string>[]; // lower-cased, duplicates dropped
  keepaliveMs?: Located<number>;
  deadtimeMs?: Located<number>;
  warntimeMs?: Located<number>;
  initdeadMs?: Located<number>;
  deadpingMs?: Located<number>;
  udpPort?: Located<number>;
  readonly media: Located<Medium>[];
  readonly pingTargets: Located<PingTarget>[];
  autoFailback?: Located<AutoFailback>;
  logfile?: Located<string>;
  debugfile?: Located<string>;
  logfacility?: Located<string>;
  debugLevel?: Located<number>;
  readonly respawn: Located<RespawnSpec & { readonly failfast: boolean }>[];
  readonly stonithHosts: Located<string>[];
  /** The stonith_host lines that parsed (bad ones are reported and left out). */
  readonly stonithDevices: StonithDevice[];
  /** `crm`/`pacemaker` value when it turns Pacemaker on (haresources cannot work then). */
  pacemaker?: Located<string>;
  autojoin?: Located<string>;
  // hbd extensions
  startTimeoutMs?: Located<number>;
  stopTimeoutMs?: Located<number>;
  statusTimeoutMs?: Located<number>;
  stopRetries?: Located<number>;
  monitorIntervalMs?: Located<number>;
  stonithTimeoutMs?: Located<number>;
  stonithDelayMs?: Located<number>;
  stonithPluginDir?: Located<string>;
  /** Every directive line seen, by directive name (after the `udp` → `bcast` rename). */
  readonly seen: Map<string, SourceLocation[]>;
  /** Values of single-valued directives hbd accepts but ignores, for `hbctl config check --json`. */
  readonly ignored: Map<string, Located<string>>;
}

export function emptyHaCfSettings(): HaCfSettings {
  return { nodes: [], media: [], pingTargets: [], respawn: [], stonithHosts: [], stonithDevices: [], seen: new Map(), ignored: new Map() };
}

/** The keys of HaCfSettings that hold one located value (last one wins). */
export type SingleKey = {
  [K in keyof HaCfSettings]-?: NonNullable<HaCfSettings[K]> extends Located<unknown> ? K : never;
}[keyof HaCfSettings];
