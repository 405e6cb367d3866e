// The environment an agent sees: clean (nothing leaks from the daemon's own environment) plus
// the HA_* variables Heartbeat's resource manager passes (heartbeat-3-behaviour.md §2.3).

export const AGENT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The clean base every agent gets, with `extra` on top (extra wins). */
export function agentEnvironment(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { PATH: AGENT_PATH, LANG: 'C', LC_ALL: 'C', HOME: '/', ...extra };
}

export interface HeartbeatEnvOptions {
  /** This node's name (`uname -n` as ha.cf knows it): HA_CURHOST. */
  readonly localNode: string;
  readonly logfile?: string; // HA_LOGFILE
  readonly debugfile?: string; // HA_DEBUGLOG
  readonly logfacility?: string; // HA_LOGFACILITY ("none" keeps agents off syslog)
  readonly debugLevel?: number; // HA_debug, only when > 0
  /** auto_failback on/off means nice_failback: HA_NICEFAILBACK=yes. */
  readonly autoFailback?: 'on' | 'off' | 'legacy';
  /** No peer is active: HA_DONTASK=yes. */
  readonly noPeerActive?: boolean;
  /** The node's own status (HA_OSTATUS), e.g. "active". */
  readonly localStatus?: string;
}

/** HA_* variables as Heartbeat 3 sets them for resource scripts; pass them as `env` to runResourceOp. */
export function heartbeatEnv(options: HeartbeatEnvOptions): Record<string, string> {
  const env: Record<string, string> = { HA_CURHOST: options.localNode, HA_LOGD: 'no' };
  if (options.logfile) env.HA_LOGFILE = options.logfile;
  if (options.debugfile) env.HA_DEBUGLOG = options.debugfile;
  if (options.logfacility) env.HA_LOGFACILITY = options.logfacility;
  if (options.debugLevel !== undefined && options.debugLevel > 0) env.HA_debug = String(options.debugLevel);
  if (options.autoFailback === 'on' || options.autoFailback === 'off') env.HA_NICEFAILBACK = 'yes';
  if (options.noPeerActive) env.HA_DONTASK = 'yes';
  if (options.localStatus) env.HA_OSTATUS = options.localStatus;
  return env;
}
