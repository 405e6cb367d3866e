// `hbctl config check` and `hbctl config defaults`.

import type { Command } from 'commander';
import { type ClusterConfig, type Diagnostic, countBySeverity, directiveDefaults, formatDiagnostic } from '@hbd/config';
import { type LoadClusterConfigResult, isNodeDirectorySet, loadClusterConfig, loadClusterConfigSet } from '@hbd/config-loader';
import type { CommandContext } from '../command-context';
import { EXIT } from '../exit-codes';
import { envelope, renderJson } from '../json-envelope';
import { renderClusterText } from '../format/cluster-text';
import { columns } from '../format/table';

export const DEFAULT_CONFIG_DIR = '/etc/ha.d';

interface CheckOptions {
  readonly configDir: string;
  readonly node?: string;
  readonly json?: boolean;
}

/** The cluster for --json: the normalized config without key material. */
function publicCluster(c: ClusterConfig): unknown {
  return { ...c, auth: { activeIndex: c.auth.activeIndex, keys: c.auth.keys.map((k) => ({ index: k.index, method: k.method })) } };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Exit code and one-line verdict for one loaded directory. */
function verdict(r: LoadClusterConfigResult): { code: number; summary: string; errors: number; warnings: number } {
  const { errors, warnings } = countBySeverity(r.diagnostics);
  if (r.missingInput) return { code: EXIT.NOINPUT, summary: `cannot check ${r.configDir}: configuration files are missing`, errors, warnings };
  if (errors > 0) return { code: EXIT.CONFIG, summary: `${plural(errors, 'error')}, ${plural(warnings, 'warning')}: hbd would refuse this configuration`, errors, warnings };
  return { code: EXIT.OK, summary: `configuration is valid (${plural(warnings, 'warning')})`, errors, warnings };
}

function memberData(r: LoadClusterConfigResult): Record<string, unknown> {
  const v = verdict(r);
  return {
    configDir: r.configDir,
    localNode: r.localNode,
    localNodeSource: r.localNodeSource,
    valid: v.code === EXIT.OK,
    errors: v.errors,
    warnings: v.warnings,
    agentSearch: r.search,
    cluster: r.normalized === undefined ? null : publicCluster(r.normalized),
  };
}

/** `filePrefix` ("master1/") makes each diagnostic's file relative to the directory given. */
function printOne(ctx: CommandContext, r: LoadClusterConfigResult, filePrefix = ''): void {
  if (r.normalized !== undefined) {
    ctx.io.stdout(renderClusterText({ configDir: r.configDir, cluster: r.normalized, localNode: r.localNode, localNodeSource: r.localNodeSource }));
  }
  for (const d of r.diagnostics) ctx.io.stderr(`${formatDiagnostic({ ...d, file: `${filePrefix}${d.file}` })}\n`);
}

function checkOne(ctx: CommandContext, options: CheckOptions): void {
  const r = loadClusterConfig({ configDir: options.configDir, ...(options.node !== undefined ? { node: options.node } : {}), env: ctx.io.env });
  const v = verdict(r);
  ctx.setExitCode(v.code);
  if (options.json === true) {
    ctx.io.stdout(renderJson(envelope(ctx.request, v.code, v.summary, memberData(r), r.diagnostics)));
    return;
  }
  printOne(ctx, r);
  ctx.io.stderr(`${v.summary}\n`);
}

/** A directory of node directories (examples/two-node-nginx): every node, then whether they agree. */
function checkSet(ctx: CommandContext, options: CheckOptions): void {
  const set = loadClusterConfigSet({ configDir: options.configDir, env: ctx.io.env });
  const verdicts = set.members.map((m) => ({ name: m.name, ...verdict(m.result) }));
  const code = verdicts.some((v) => v.code === EXIT.NOINPUT) ? EXIT.NOINPUT : verdicts.some((v) => v.code === EXIT.CONFIG) || set.diagnostics.length > 0 ? EXIT.CONFIG : EXIT.OK;
  const digests = new Set(set.members.map((m) => m.result.normalized?.digest));
  const agreement =
    set.diagnostics.length > 0
      ? 'they describe different clusters'
      : set.members.every((m) => m.result.normalized !== undefined) && digests.size === 1
        ? `they describe the same cluster (digest ${[...digests][0]})`
        : 'their agreement could not be checked';
  const summary = `${plural(set.members.length, 'node')} checked: ${verdicts.map((v) => `${v.name} ${v.code === EXIT.OK ? 'valid' : v.code === EXIT.NOINPUT ? 'incomplete' : 'invalid'}`).join(', ')}; ${agreement}`;
  ctx.setExitCode(code);
  if (options.json === true) {
    const prefixed: Diagnostic[] = set.members.flatMap((m) => m.result.diagnostics.map((d) => ({ ...d, file: `${m.name}/${d.file}` })));
    const data = { configDir: set.configDir, nodes: set.members.map((m) => ({ name: m.name, ...memberData(m.result) })), agree: set.diagnostics.length === 0 && digests.size === 1 };
    ctx.io.stdout(renderJson(envelope(ctx.request, code, summary, data, [...prefixed, ...set.diagnostics])));
    return;
  }
  ctx.io.stderr(`${set.configDir} holds one configuration per node: checking ${set.members.map((m) => m.name).join(', ')}\n`);
  set.members.forEach((m, i) => {
    ctx.io.stdout(`${i === 0 ? '' : '\n'}== ${m.name} ==\n`);
    printOne(ctx, m.result, `${m.name}/`);
    ctx.io.stderr(`${m.name}: ${(verdicts[i] as { summary: string }).summary}\n`);
  });
  for (const d of set.diagnostics) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
  ctx.io.stderr(`${summary}\n`);
}

export function registerConfigCommands(program: Command, ctx: CommandContext): void {
  const config = program.command('config').description('check and explain the Heartbeat configuration (ha.cf, haresources, authkeys)');

  config
    .command('check')
    .description('read a configuration directory like hbd does: print the cluster, then every problem found (a directory of node directories: each node, then whether they agree)')
    .option('-c, --config-dir <dir>', 'the configuration directory', DEFAULT_CONFIG_DIR)
    .option('--node <name>', 'check as this node (default: <dir>/nodeinfo, else uname -n)')
    .option('--json', 'print one JSON document instead of text')
    .action((options: CheckOptions, command: Command) => {
      if (!isNodeDirectorySet(options.configDir)) return checkOne(ctx, options);
      if (options.node !== undefined) command.error(`error: --node cannot be used with ${options.configDir}, which holds one directory per node (each is checked as the node it is named after)`, { exitCode: EXIT.USAGE, code: 'hbctl.nodeWithSet' });
      return checkSet(ctx, options);
    });

  config
    .command('defaults')
    .description("print every ha.cf directive with its default value (Heartbeat's `heartbeat -D`, plus hbd's extensions)")
    .option('--json', 'print one JSON document instead of text')
    .action((options: { json?: boolean }) => {
      const defaults = directiveDefaults();
      ctx.setExitCode(EXIT.OK);
      if (options.json === true) {
        ctx.io.stdout(renderJson(envelope(ctx.request, EXIT.OK, `${defaults.length} directives`, { directives: defaults })));
        return;
      }
      const support = { implemented: 'implemented', 'not-implemented': 'accepted, not implemented', extension: 'hbd extension' } as const;
      const rows = [['DIRECTIVE', 'DEFAULT', 'HBD'], ...defaults.map((d) => [d.name, d.defaultText, support[d.support]])];
      ctx.io.stdout(`${columns(rows, '').join('\n')}\n`);
    });
}
