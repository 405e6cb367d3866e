// A cluster manager under test, seen by the lab: the files it needs on each node (written from the
// one scenario description), how to start it in the foreground, how an operator moves the group
// (standby / takeover), where it logs, how a log line says "peer declared dead", and when a
// cluster running it is settled enough to take the next command.

import type { ResolvedScenario, ScenarioNode } from '../scenario';

export type ManagerKind = 'hbd' | 'heartbeat' | 'keepalived';
export const MANAGER_KINDS: readonly ManagerKind[] = ['hbd', 'heartbeat', 'keepalived'];

/** A file inside a node (path as the node sees it; one of its private directories). */
export interface NodeFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

export interface ManagerProbe {
  readonly ok: boolean;
  /** e.g. "3.0.6", "2.2.7", "0.1.0". */
  readonly version: string;
  /** Why it cannot run here (empty when ok). */
  readonly reason: string;
}

/** What an adapter may ask of a running node. */
export interface AdapterNodeView {
  readonly name: string;
  exec(argv: readonly string[], options?: { readonly timeoutMs?: number; readonly check?: boolean }): Promise<{ code: number | null; stdout: string; stderr: string }>;
  readFile(nodePath: string): Promise<string>;
}

export interface ManagerAdapter {
  readonly kind: ManagerKind;
  /** Display name without version ("Heartbeat"). */
  readonly title: string;
  probe(): Promise<ManagerProbe>;
  /** Every file the manager needs on this node (configuration, resource scripts). */
  configFiles(s: ResolvedScenario, node: ScenarioNode): readonly NodeFile[];
  /** argv run inside the node; stays in the foreground (its pid is the manager's root). */
  startCommand(s: ResolvedScenario, node: ScenarioNode): readonly string[];
  /** Where the lab sends the manager's stdout/stderr (node path). */
  readonly outputFile: string;
  /** Log files worth keeping and scanning (node paths). */
  readonly logFiles: readonly string[];
  /** The operator's "give my groups to the other node", run on the giving node. */
  standbyCommand(s: ResolvedScenario, node: ScenarioNode): readonly string[];
  /** The operator's "take the groups (back)", run on the taking node. */
  takeoverCommand(s: ResolvedScenario, node: ScenarioNode): readonly string[];
  /** Peers declared dead in a log text (cluster nodes only, not ping nodes). */
  countPeerDeaths(logText: string, s: ResolvedScenario): number;
  /**
   * True when the running nodes are in a steady state where an operator command is honoured
   * (Heartbeat ignores hb_standby until both sides are "stable", 10 s after joining).
   */
  isSettled(s: ResolvedScenario, running: readonly AdapterNodeView[]): Promise<boolean>;
  /** Where the translation from the scenario is approximate, in words. */
  notes(s: ResolvedScenario): readonly string[];
}
