// `hbctl config check` and `hbctl config defaults`.

import type { Command } from 'commander';
import { type ClusterConfig, countBySeverity, directiveDefaults, formatDiagnostic } from '@hbd/config';
import { loadClusterConfig } from '@hbd/config-loader';
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

export function registerConfigCommands(program: Command, ctx: CommandContext): void {
  const config = program.command('config').description('check and explain the Heartbeat configuration (ha.cf, haresources, authkeys)');

  config
    .command('check')
    .description('read a configuration directory like hbd does: print the cluster, then every problem found')
    .option('-c, --config-dir <dir>', 'the configuration directory', DEFAULT_CONFIG_DIR)
    .option('--node <name>', 'check as this node (default: <dir>/nodeinfo, else uname -n)')
    .option('--json', 'print one JSON document instead of text')
    .action((options: CheckOptions) => {
      const r = loadClusterConfig({ configDir: options.configDir, ...(options.node !== undefined ? { node: options.node } : {}), env: ctx.io.env });
      const { errors, warnings } = countBySeverity(r.diagnostics);
      const code = r.missingInput ? EXIT.NOINPUT : errors > 0 ? EXIT.CONFIG : EXIT.OK;
      const summary = r.missingInput
        ? `cannot check ${r.configDir}: configuration files are missing`
        : errors > 0
          ? `${plural(errors, 'error')}, ${plural(warnings, 'warning')}: hbd would refuse this configuration`
          : `configuration is valid (${plural(warnings, 'warning')})`;
      ctx.setExitCode(code);
      if (options.json === true) {
        const data = {
          configDir: r.configDir,
          localNode: r.localNode,
          localNodeSource: r.localNodeSource,
          valid: code === EXIT.OK,
          errors,
          warnings,
          agentSearch: r.search,
          cluster: r.normalized === undefined ? null : publicCluster(r.normalized),
        };
        ctx.io.stdout(renderJson(envelope(ctx.request, code, summary, data, r.diagnostics)));
        return;
      }
      if (r.normalized !== undefined) {
        ctx.io.stdout(renderClusterText({ configDir: r.configDir, cluster: r.normalized, localNode: r.localNode, localNodeSource: r.localNodeSource }));
      }
      for (const d of r.diagnostics) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
      ctx.io.stderr(`${summary}\n`);
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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
