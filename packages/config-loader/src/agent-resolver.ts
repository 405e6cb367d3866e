// Resource token → agent file, in order: <config dir>/resource.d/Name (Heartbeat's own
// scripts, `args… action`), the bundled resource-agents/Name (hbd's agents, same calling
// convention, LSB exit codes), then /etc/init.d/Name (LSB: action only). As in Heartbeat's
// ResourceManager, the first regular, executable file wins.

import { accessSync, constants, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AgentKind } from '@hbd/config';

export interface AgentSearchPath {
  readonly configDir: string;
  readonly agentsDir: string;
  readonly initDir: string;
}

export interface AgentCandidate {
  readonly path: string;
  readonly kind: AgentKind;
  /** Why it was not taken: absent, not a regular file, not executable. */
  readonly problem?: 'absent' | 'not a regular file' | 'not executable';
}

export type AgentResolution =
  | { readonly found: true; readonly path: string; readonly kind: AgentKind; readonly tried: readonly AgentCandidate[] }
  | { readonly found: false; readonly tried: readonly AgentCandidate[] };

export const DEFAULT_INIT_DIR = '/etc/init.d';
export const AGENTS_DIR_ENV = 'HBD_AGENTS_DIR';

/** The bundled resource-agents/ directory: $HBD_AGENTS_DIR, else the one in this repository. */
export function defaultAgentsDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env[AGENTS_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  // packages/config-loader/{src,dist}/ → repository root
  return resolve(__dirname, '../../../resource-agents');
}

export function agentSearchOrder(name: string, search: AgentSearchPath): { path: string; kind: AgentKind }[] {
  return [
    { path: join(search.configDir, 'resource.d', name), kind: 'heartbeat' },
    { path: join(search.agentsDir, name), kind: 'hbd' },
    { path: join(search.initDir, name), kind: 'lsb' },
  ];
}

export function resolveAgent(name: string, search: AgentSearchPath): AgentResolution {
  const tried: AgentCandidate[] = [];
  for (const candidate of agentSearchOrder(name, search)) {
    const problem = candidateProblem(candidate.path);
    if (problem === undefined) return { found: true, path: candidate.path, kind: candidate.kind, tried };
    tried.push({ ...candidate, problem });
  }
  return { found: false, tried };
}

function candidateProblem(path: string): AgentCandidate['problem'] {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return 'absent';
  }
  if (!isFile) return 'not a regular file';
  try {
    accessSync(path, constants.X_OK);
    return undefined;
  } catch {
    return 'not executable';
  }
}
