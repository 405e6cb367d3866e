// What hbd keeps for its guardian, one JSON object per line in <run dir>/hbd-guardian.state
// (guardian-link.ts rewrites it atomically on every change; main.ts replays it once hbd is gone),
// and the `ready` line the guardian (the sh sentinel bin/hbd-guardian) answers on its stdout. The
// guardian must know, at the instant hbd dies, which groups this node held or was starting and
// which agents were running: the file holds the settings, the set of held groups, each agent
// operation (recorded before it is spawned) with its pid once it runs, until its end. No secret is
// ever in it (authkeys stay in hbd).

import type { LoggingConfig, ResourceSpec } from '@hbd/config';

export interface GuardianGroup {
  readonly id: string;
  /** Start order; the guardian stops them right to left. */
  readonly resources: readonly ResourceSpec[];
}

export interface GuardianSettings {
  readonly node: string;
  readonly hbdPid: number;
  readonly logging: LoggingConfig;
  /** hbd runs in the foreground: the guardian's lines go to the same stderr. */
  readonly stderr: boolean;
  /** stderr is the journal: lines carry `<N>` priority prefixes instead of time and host. */
  readonly underSystemd: boolean;
  readonly groups: readonly GuardianGroup[];
  readonly stopTimeoutMs: number;
  readonly statusTimeoutMs: number;
  readonly stopRetriesMax: number;
  readonly stopRetryDelayMs: number;
  readonly deadtimeMs: number;
  /** The environment hbd gives agents on top of the clean base (HA_* variables). */
  readonly agentEnv: Readonly<Record<string, string>>;
  /** argv prefix for every agent (tests only; empty in the product). */
  readonly runIn?: readonly string[];
  /** hbd wrote the guardian's pid here; the guardian removes it when it exits. */
  readonly pidFile?: string;
}

export type ToGuardian =
  /** First line; rewritten after a configuration reload. */
  | { readonly t: 'init'; readonly settings: GuardianSettings }
  /** The groups not stopped here (starting, started, stopping, failed, unclean), complete each time. */
  | { readonly t: 'held'; readonly groups: readonly string[] }
  /** An agent operation is about to be spawned (recorded before the spawn). */
  | { readonly t: 'op'; readonly id: number; readonly group: string; readonly token: string; readonly action: string }
  /** Its process (and process group) id. */
  | { readonly t: 'opPid'; readonly id: number; readonly pid: number }
  | { readonly t: 'opDone'; readonly id: number }
  /**
   * Clean shutdown: every group was stopped or handed over and the peers were told. Exit quietly.
   * (hbd removes the state file instead; a file ending with it is honoured all the same.)
   */
  | { readonly t: 'bye' };

export type FromGuardian = { readonly t: 'ready'; readonly pid: number };

export function encodeMessage(message: ToGuardian | FromGuardian): string {
  return `${JSON.stringify(message)}\n`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/** One line from hbd, or null when it is not a message we know (ignored, never fatal). */
export function decodeToGuardian(line: string): ToGuardian | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  switch (value.t) {
    case 'init':
      return isObject(value.settings) && Array.isArray(value.settings.groups) && typeof value.settings.node === 'string' ? (value as unknown as ToGuardian) : null;
    case 'held':
      return Array.isArray(value.groups) && value.groups.every((group) => typeof group === 'string') ? (value as unknown as ToGuardian) : null;
    case 'op':
      return isInt(value.id) && typeof value.group === 'string' && typeof value.token === 'string' && typeof value.action === 'string' ? (value as unknown as ToGuardian) : null;
    case 'opPid':
      return isInt(value.id) && isInt(value.pid) && value.pid > 0 ? (value as unknown as ToGuardian) : null;
    case 'opDone':
      return isInt(value.id) ? (value as unknown as ToGuardian) : null;
    case 'bye':
      return { t: 'bye' };
    default:
      return null;
  }
}

export function decodeFromGuardian(line: string): FromGuardian | null {
  try {
    const value: unknown = JSON.parse(line);
    return isObject(value) && value.t === 'ready' && isInt(value.pid) ? { t: 'ready', pid: value.pid } : null;
  } catch {
    return null;
  }
}

/** Splits a byte stream into lines; a line longer than `maxChars` is dropped (and reported). */
export function lineSplitter(onLine: (line: string) => void, onOverlong: () => void, maxChars = 4 * 1024 * 1024): (chunk: string) => void {
  let buffer = '';
  let skipping = false;
  return (chunk) => {
    buffer += chunk;
    for (;;) {
      const end = buffer.indexOf('\n');
      if (end < 0) break;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      if (skipping) skipping = false;
      else if (line.trim() !== '') onLine(line);
    }
    if (buffer.length > maxChars) {
      buffer = '';
      skipping = true;
      onOverlong();
    }
  };
}
