// Every fixed number the engine uses that is not in ha.cf, in one place, with the reason for it.
// docs/internals/state-machine.md and docs/decisions/ explain the policies these numbers serve.

import type { ClusterConfig } from '@hbd/config';

/** Pause between stop attempts of one resource (Heartbeat's ResourceManager sleeps 1 s). */
export const STOP_RETRY_DELAY_MS = 1000;

/** Pause before a failed fence is tried again (Heartbeat: "STONITH of X failed. Retrying..." every 5 s). */
export const FENCE_RETRY_DELAY_MS = 5000;

/** How many reliable message ids we remember per peer incarnation to drop duplicates. */
export const SEEN_MSG_IDS_MAX = 64;

/** wakeAtMs once the node has shut down: nothing is due, but the shell still gets a finite time. */
export const IDLE_WAKE_MS = 3_600_000;

/** Reliable control messages are resent this often until acknowledged or the peer is declared dead. */
export function resendIntervalMs(config: ClusterConfig): number {
  return Math.max(100, config.keepaliveMs);
}

/**
 * auto_failback: the preferred node must have been active this long before its groups go back
 * (a soak period, so a flapping node does not drag its groups along). Legacy fails back at once.
 */
export function failbackSoakMs(config: ClusterConfig): number {
  return config.autoFailback === 'legacy' ? 0 : config.deadtimeMs;
}

/** A second monitor failure within this window moves the group instead of restarting it in place. */
export function recoveryWindowMs(config: ClusterConfig): number {
  return 10 * config.monitorIntervalMs;
}

/** A step that arrives this much later than the wake-up we asked for means our process stalled. */
export function stallThresholdMs(config: ClusterConfig): number {
  return Math.max(config.keepaliveMs, 500);
}

/** A hand-over ("released to X") is trusted this long; if X never claims the group, placement decides again. */
export function handoffHintTtlMs(config: ClusterConfig): number {
  return config.deadtimeMs;
}

/** After `leaving` is sent, shutdown completes once every peer acknowledged it, or after this long. */
export function leavingAckWaitMs(config: ClusterConfig): number {
  return 3 * config.keepaliveMs;
}

/** How long a ping probe may stay unanswered before another one is sent to the same address. */
export function pingProbeTimeoutMs(config: ClusterConfig): number {
  return Math.max(200, Math.min(config.keepaliveMs, 2000));
}

/** The shell's prober sends echo requests no faster than this (iputils' floor for non-root users). */
export const PING_PROBE_MIN_INTERVAL_MS = 200;

/**
 * A node that hears neither a peer nor any ping target for this long is the one cut off (its own
 * cable or switch port): its ping targets count as dead at once, not after deadping, and it gives
 * up what it holds. The other side declares it dead only after deadtime, so the cut-off node has
 * deadtime minus this to stop its groups before the takeover starts them there (scenario F2: with
 * deadping + deadtime, a file system was mounted on both nodes for 2 s). warntime (Heartbeat's
 * default deadtime / 2), never more than half of deadtime — but never less than two probe rounds
 * (ping nodes are probed every keepalive, and no faster than every PING_PROBE_MIN_INTERVAL_MS):
 * with keepalive 50 ms two lost heartbeats and the ordinary gap between two echo replies must not
 * look like a cut cable.
 */
export function cutOffAfterMs(config: ClusterConfig): number {
  return Math.max(2 * Math.max(config.keepaliveMs, PING_PROBE_MIN_INTERVAL_MS), Math.min(config.warntimeMs, Math.floor(config.deadtimeMs / 2)));
}

/**
 * ipfail gives groups away only after the peer has reached more ping targets than we do for this
 * long (Heartbeat's ipfail: "Delayed giveup in 2 seconds", 2 × keepalive), so two nodes losing the
 * same ping node a moment apart do not trade groups.
 */
export function ipfailDelayMs(config: ClusterConfig): number {
  return 2 * config.keepaliveMs;
}

/**
 * A node that decides to start a group first announces it ('starting', tentative) and waits this
 * long before running anything, so a conflicting decision taken by a connected peer at the same
 * moment (on a slightly different view) is seen and resolved before two copies run.
 */
export function tentativeStartMs(config: ClusterConfig): number {
  return config.keepaliveMs + Math.floor(config.keepaliveMs / 2);
}
