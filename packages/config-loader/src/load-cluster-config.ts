// Reads a Heartbeat configuration directory (normally /etc/ha.d) from disk and turns it into a
// ClusterConfig: the three files, authkeys' permissions, the local node name, every resource
// resolved to its agent file, and the checks that need this machine. Never throws on user input.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type ClusterConfig,
  type Diagnostic,
  type ResourceGroup,
  diagnostic,
  hasErrors,
  parseAuthkeys,
  parseClusterConfig,
  parseHaCf,
  parseHaresources,
  sortDiagnostics,
  wholeFile,
} from '@hbd/config';
import { type AgentSearchPath, DEFAULT_INIT_DIR, defaultAgentsDir, resolveAgent } from './agent-resolver';
import { DEFAULT_NET_DIR, interfaceDiagnostics, respawnDiagnostics } from './machine-checks';
import { type LocalNodeSource, resolveLocalNode } from './local-node';

export const CONFIG_FILES = ['ha.cf', 'haresources', 'authkeys'] as const;
export type ConfigFileName = (typeof CONFIG_FILES)[number];

export interface LoadClusterConfigOptions {
  /** The Heartbeat configuration directory, e.g. /etc/ha.d. */
  readonly configDir: string;
  /** This machine's node name; default: first line of <configDir>/nodeinfo, else `uname -n`. */
  readonly node?: string;
  /** Checked as part of a set of node directories: this directory's name, used when there is no nodeinfo. */
  readonly directoryNode?: string;
  /** Bundled agents; default $HBD_AGENTS_DIR, else the repository's resource-agents/. */
  readonly agentsDir?: string;
  /** LSB init scripts; default /etc/init.d. */
  readonly initDir?: string;
  /** Where network interfaces are listed; default /sys/class/net (checks skipped if absent). */
  readonly netDir?: string;
  /** `uname -n`; default os.hostname(). */
  readonly hostname?: () => string;
  /** Environment for HBD_AGENTS_DIR; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface LoadClusterConfigResult {
  /** The configuration to run with: present only when there is no error. */
  readonly config?: ClusterConfig;
  /** Best-effort view (defaults filled in, agents resolved) when all three files could be read. */
  readonly normalized?: ClusterConfig;
  /** This machine's node name (lower-cased) and where it came from. */
  readonly localNode: string;
  readonly localNodeSource: LocalNodeSource;
  /** Sorted: ha.cf, authkeys, haresources; by line. */
  readonly diagnostics: readonly Diagnostic[];
  /** The directory or one of the three files is missing or unreadable (hbctl exits 66). */
  readonly missingInput: boolean;
  readonly configDir: string;
  readonly search: AgentSearchPath;
}

export function loadClusterConfig(options: LoadClusterConfigOptions): LoadClusterConfigResult {
  const configDir = resolve(options.configDir);
  const search: AgentSearchPath = {
    configDir,
    agentsDir: options.agentsDir !== undefined ? resolve(options.agentsDir) : defaultAgentsDir(options.env),
    initDir: options.initDir ?? DEFAULT_INIT_DIR,
  };
  const local = resolveLocalNode({
    configDir,
    ...(options.node !== undefined ? { node: options.node } : {}),
    ...(options.directoryNode !== undefined ? { directoryNode: options.directoryNode } : {}),
    ...(options.hostname !== undefined ? { hostname: options.hostname } : {}),
  });
  const base = { localNode: local.name, localNodeSource: local.source, configDir, search };

  const dirProblem = directoryProblem(configDir);
  if (dirProblem !== undefined) {
    return { ...base, diagnostics: [diagnostic('HB_CFG_DIR_MISSING', wholeFile(options.configDir), `configuration directory ${configDir} ${dirProblem}`, 'pass the directory that holds ha.cf, haresources and authkeys (--config-dir, default /etc/ha.d)')], missingInput: true };
  }

  const texts: Partial<Record<ConfigFileName, string>> = {};
  let diagnostics: Diagnostic[] = [];
  for (const name of CONFIG_FILES) {
    const path = join(configDir, name);
    try {
      texts[name] = readFileSync(path, 'utf8');
    } catch (err) {
      diagnostics.push(fileDiagnostic(name, path, configDir, err));
    }
  }
  if (diagnostics.length === CONFIG_FILES.length && diagnostics.every((d) => d.code === 'HB_CFG_FILE_MISSING')) {
    // Not a Heartbeat directory at all: one message, not three.
    const first = diagnostics[0] as Diagnostic;
    diagnostics = [diagnostic('HB_CFG_FILE_MISSING', wholeFile(options.configDir), `${configDir} has no ha.cf, haresources or authkeys`, first.hint)];
  }
  let authkeysMode: number | undefined;
  try {
    authkeysMode = statSync(join(configDir, 'authkeys')).mode;
  } catch {
    authkeysMode = undefined; // already reported as missing
  }

  const { 'ha.cf': haCf, haresources, authkeys } = texts;
  if (haCf === undefined || haresources === undefined || authkeys === undefined) {
    // Still report what is wrong inside the files that could be read.
    if (haCf !== undefined) diagnostics.push(...parseHaCf(haCf).diagnostics);
    if (haresources !== undefined) diagnostics.push(...parseHaresources(haresources).diagnostics);
    if (authkeys !== undefined) diagnostics.push(...parseAuthkeys(authkeys, authkeysOptions(authkeysMode, configDir)).diagnostics);
    return { ...base, diagnostics: sortDiagnostics(diagnostics), missingInput: true };
  }

  const parsed = parseClusterConfig({
    haCf,
    haresources,
    authkeys,
    ...authkeysInput(authkeysMode, configDir),
    localNode: { name: local.name, source: local.sourceText },
  });
  diagnostics.push(...parsed.diagnostics);
  const groups = parsed.normalized.groups.map((g) => resolveGroup(g, search, diagnostics));
  diagnostics.push(...interfaceDiagnostics(parsed.haCfSettings, options.netDir ?? DEFAULT_NET_DIR));
  diagnostics.push(...respawnDiagnostics(parsed.haCfSettings));

  const normalized: ClusterConfig = { ...parsed.normalized, groups };
  const sorted = sortDiagnostics(diagnostics);
  return hasErrors(sorted) ? { ...base, normalized, diagnostics: sorted, missingInput: false } : { ...base, config: normalized, normalized, diagnostics: sorted, missingInput: false };
}

function authkeysOptions(mode: number | undefined, configDir: string): { mode?: number; path: string } {
  return { ...(mode !== undefined ? { mode } : {}), path: join(configDir, 'authkeys') };
}

function authkeysInput(mode: number | undefined, configDir: string): { authkeysMode?: number; authkeysPath: string } {
  return { ...(mode !== undefined ? { authkeysMode: mode } : {}), authkeysPath: join(configDir, 'authkeys') };
}

function directoryProblem(dir: string): string | undefined {
  try {
    return statSync(dir).isDirectory() ? undefined : 'is not a directory';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

function fileDiagnostic(name: ConfigFileName, path: string, configDir: string, err: unknown): Diagnostic {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    const perNode = nodeSubdirectories(configDir);
    return diagnostic(
      'HB_CFG_FILE_MISSING',
      wholeFile(name),
      `${path} does not exist`,
      perNode.length > 0
        ? `this directory holds one configuration per node: use --config-dir ${join(configDir, perNode[0] as string)} (or ${perNode.slice(1).join(', ')})`
        : "hbd's examples/ directory has complete configurations; Heartbeat's annotated samples are in /usr/share/doc/heartbeat/",
    );
  }
  return diagnostic('HB_CFG_FILE_UNREADABLE', wholeFile(name), `${path} cannot be read (${code ?? String(err)})`, code === 'EISDIR' ? `${name} must be a file` : 'check its permissions (hbd runs as root)');
}

/** Subdirectories that hold an ha.cf themselves (the examples keep one directory per node). */
export function nodeSubdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && safeIsFile(join(dir, e.name, 'ha.cf')))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

function safeIsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function resolveGroup(group: ResourceGroup, search: AgentSearchPath, diagnostics: Diagnostic[]): ResourceGroup {
  const resources = group.resources.map((r) => {
    const found = resolveAgent(r.name, search);
    if (!found.found) {
      const notExecutable = found.tried.find((t) => t.problem === 'not executable');
      diagnostics.push(
        diagnostic(
          'HB_CFG_AGENT_NOT_FOUND',
          r.location,
          `no resource agent "${r.name}" for "${r.token}": searched ${found.tried.map((t) => t.path).join(', ')}`,
          notExecutable !== undefined
            ? `${notExecutable.path} exists but is not executable: chmod +x ${notExecutable.path}`
            : `install it in ${join(search.configDir, 'resource.d')}/ or ${search.initDir}/, or check the spelling (names are case-sensitive)`,
        ),
      );
      return r;
    }
    if (found.kind === 'lsb' && r.args.length > 0) {
      diagnostics.push(
        diagnostic('HB_CFG_LSB_ARGS', r.location, `"${r.token}" resolves to the init script ${found.path}, which gets no arguments: "${r.args.join('::')}" is not passed`, `write just "${r.name}", or provide a resource.d/${r.name} script that takes arguments`),
      );
    }
    return { ...r, agent: { path: found.path, kind: found.kind } };
  });
  return { ...group, resources };
}
