// cluster-glue's external STONITH plugin protocol (lib/plugins/stonith/README.external), so the
// plugins people already have (external/ipmi, external/libvirt, external/rackpdu, …) work:
//   <plugin> getconfignames   → the parameter names, blank-separated, on stdout
//   <plugin> gethosts         → the nodes it can fence, blank-separated, on stdout
//   <plugin> reset <node>     → power-cycle it (also: off, on, status)
// Exit 0 means success, anything else failure. The parameters of the stonith_host line are
// given as environment variables named by getconfignames, in that order; the last name takes
// the rest of the line (as Heartbeat's stonith1_compat_string_to_NVpair). A plugin must be a
// regular executable file not writable by group or others, or it is not run (as cluster-glue).

import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { StonithDevice } from '@hbd/config';
import { runPlugin, type PluginRun } from './run-plugin';

/** Where cluster-glue installs external plugins. */
export const SYSTEM_PLUGIN_DIR = '/usr/lib/stonith/plugins/external';

/** cluster-glue's plugins log through ha_log.sh: there is no logd with hbd, so straight to syslog (as under Heartbeat). */
const HA_LOG_ENV = { HA_LOGD: 'no', HA_LOGFACILITY: 'daemon' } as const;

export type PluginLookup = { readonly path: string } | { readonly error: string };

/** The first usable `name` in `dirs`; an unusable file is an error (not skipped), so a typo'd chmod is not silently bypassed. */
export function findPlugin(name: string, dirs: readonly string[]): PluginLookup {
  for (const dir of dirs) {
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (!st.isFile()) return { error: `${path} is not a regular file` };
    if ((st.mode & 0o111) === 0) return { error: `${path} is not executable (chmod 755 ${path})` };
    if ((st.mode & 0o022) !== 0) return { error: `${path} is writable by group or others: not run, as cluster-glue (chmod go-w ${path})` };
    return { path };
  }
  return { error: `no plugin "${name}" in ${dirs.join(', ')}` };
}

/** Parameter names → values, Heartbeat's way: in order, the last name takes the rest. */
export function pluginEnvironment(names: readonly string[], params: readonly string[]): { env: Record<string, string> } | { error: string } {
  if (params.length < names.length) {
    return { error: `the plugin needs ${names.length} parameter(s) (${names.join(' ')}) but the line gives ${params.length}` };
  }
  const env: Record<string, string> = {};
  names.forEach((name, i) => {
    env[name] = i === names.length - 1 ? params.slice(i).join(' ') : (params[i] as string);
  });
  return { env };
}

export interface ExternalOutcome {
  readonly ok: boolean;
  /** For the log: what happened, with the plugin's output tail. */
  readonly detail: string;
  readonly run?: PluginRun;
}

/** One external device (one stonith_host line); config names are asked once and kept. */
export class ExternalPlugin {
  private names: readonly string[] | null = null;

  constructor(
    readonly device: StonithDevice,
    private readonly dirs: readonly string[],
    private readonly timeoutMs: number,
  ) {}

  /** Runs `args` with the device's parameters in the environment. */
  async call(args: readonly string[]): Promise<{ run: PluginRun } | { error: string }> {
    const found = findPlugin(this.device.plugin ?? '', this.dirs);
    if ('error' in found) return found;
    if (this.names === null) {
      const run = await runPlugin(found.path, ['getconfignames'], { timeoutMs: this.timeoutMs, env: {} });
      if (run.exitCode !== 0) return { error: `"${this.device.plugin} getconfignames" failed (${describe(run)})` };
      this.names = run.stdout.split(/\s+/).filter((word) => word !== '');
    }
    const environment = pluginEnvironment(this.names, this.device.params);
    if ('error' in environment) return { error: environment.error };
    return { run: await runPlugin(found.path, args, { timeoutMs: this.timeoutMs, env: { ...HA_LOG_ENV, HA_LOGTAG: this.device.type, ...environment.env } }) };
  }

  /** The nodes this device can fence, lower-cased (Heartbeat compares node names case-insensitively). */
  async hosts(): Promise<{ hosts: string[] } | { error: string }> {
    const result = await this.call(['gethosts']);
    if ('error' in result) return result;
    if (result.run.exitCode !== 0) return { error: `gethosts failed (${describe(result.run)})` };
    return { hosts: result.run.stdout.split(/\s+/).filter((word) => word !== '').map((host) => host.toLowerCase()) };
  }

  /** The device answers (`status` exits 0). */
  async status(): Promise<ExternalOutcome> {
    const result = await this.call(['status']);
    if ('error' in result) return { ok: false, detail: result.error };
    return { ok: result.run.exitCode === 0, detail: describe(result.run), run: result.run };
  }

  async reset(node: string): Promise<ExternalOutcome> {
    const result = await this.call(['reset', node]);
    if ('error' in result) return { ok: false, detail: result.error };
    const run = result.run;
    return { ok: run.exitCode === 0, detail: describe(run), run };
  }
}

function describe(run: PluginRun): string {
  const base = run.startError !== null ? `could not start: ${run.startError}` : run.timedOut ? 'killed at the time limit (stonith_timeout)' : run.exitCode === null ? 'killed by a signal' : `exit ${run.exitCode}`;
  const output = run.outputTail.trim();
  if (output !== '') return `${base}; output: ${output.replace(/\n/g, ' | ')}`;
  return run.exitCode === 0 ? base : `${base}, no output (cluster-glue's plugins log their reasons to syslog through ha_log.sh)`;
}
