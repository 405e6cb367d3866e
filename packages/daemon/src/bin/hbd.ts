// hbd, the daemon: hbd [--config-dir /etc/ha.d] [--node NAME] [--state-dir /var/lib/hbd]
// [--run-dir /run/hbd] [--foreground] [--bind-address ADDR] [--debug N] [--no-guardian]
//
// Exit status: 0 clean stop (or daemonized), 1 could not start (already running, no medium,
// run dir…) or shutdown timed out, 64 bad command line, 66 configuration missing, 70 internal
// error, 78 configuration errors (the same diagnostics as `hbctl config check`).
//
// Signals: SIGTERM (and SIGINT) stop the local groups right to left, tell peers, exit; SIGHUP
// re-reads the configuration (kept if invalid, with the reasons in the log) and reopens log
// files (logrotate's postrotate); when nodes, timers, groups, media or ping nodes changed, hbd
// restarts in place keeping the resources (Heartbeat's `heartbeat -R`); SIGUSR1/SIGUSR2
// raise/lower the debug level.

import { spawn } from 'node:child_process';
import { Command, CommanderError, Option } from 'commander';
import { formatDiagnostic, type ClusterConfig, type LoggingConfig } from '@hbd/config';
import { loadClusterConfig } from '@hbd/config-loader';
import * as core from '@hbd/core';
import { controlSocketPath, socketAnswers } from '../control-socket-file';
import { AlreadyRunningError } from '../control-socket-file';
import { DaemonStartError, HBD_VERSION, RESTART_KEEPING_RESOURCES, startDaemon, type Daemon, type ReloadResult } from '../daemon';
import { createDaemonLog } from '../logger';
import type { Engine } from '../runtime';

interface Options {
  configDir: string;
  node?: string;
  stateDir: string;
  runDir: string;
  foreground: boolean;
  daemonized: boolean;
  bindAddress?: string;
  debug?: number;
  guardian: boolean;
}

const EXIT = { OK: 0, ERROR: 1, USAGE: 64, NOINPUT: 66, SOFTWARE: 70, CONFIG: 78 } as const;

function fail(message: string, code: number): never {
  process.stderr.write(`hbd: ${message}\n`);
  process.exit(code);
}

function parseArgs(argv: readonly string[]): Options {
  const program = new Command('hbd')
    .description('hbd: the Heartbeat-compatible cluster daemon (reads /etc/ha.d: ha.cf, haresources, authkeys)')
    .version(HBD_VERSION)
    .option('-c, --config-dir <dir>', 'the Heartbeat configuration directory', '/etc/ha.d')
    .option('-n, --node <name>', "this node's name (default: <config dir>/nodeinfo, else uname -n)")
    .option('--state-dir <dir>', 'where the generation counter is kept', '/var/lib/hbd')
    .option('--run-dir <dir>', 'where the control socket and pid file live', '/run/hbd')
    .option('-f, --foreground', 'do not daemonize; log to stderr too (systemd: Type=simple)', false)
    .option('--bind-address <addr>', "bind ucast/bcast sockets to this address instead of the interface's (several nodes on one host, e.g. the loopback demo)")
    .option('-d, --debug <n>', 'debug level (overrides ha.cf `debug` when higher)', (value) => {
      const level = Number(value);
      if (!Number.isInteger(level) || level < 0 || level > 255) throw new CommanderError(EXIT.USAGE, 'hbd.debug', `--debug takes 0..255, not ${value}`);
      return level;
    })
    .option('--no-guardian', 'do not start the guardian that stops this node\'s groups when hbd dies (they would keep running while a peer takes over)')
    .addOption(new Option('--daemonized', 'internal: the background child of hbd without --foreground').hideHelp().default(false))
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    program.parse(argv as string[], { from: 'node' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') process.exit(EXIT.OK);
      process.exit(EXIT.USAGE);
    }
    throw error;
  }
  return program.opts<Options>();
}

interface Loaded {
  config: ClusterConfig;
  localNode: string;
  warnings: string[];
}

function load(options: Options): { ok: true; loaded: Loaded } | { ok: false; errors: string[]; missingInput: boolean } {
  const result = loadClusterConfig({ configDir: options.configDir, ...(options.node === undefined ? {} : { node: options.node }) });
  const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').map(formatDiagnostic);
  const warnings = result.diagnostics.filter((diagnostic) => diagnostic.severity !== 'error').map(formatDiagnostic);
  if (result.config === undefined) return { ok: false, errors, missingInput: result.missingInput };
  return { ok: true, loaded: { config: result.config, localNode: result.localNode, warnings } };
}

/** Without --foreground: start ourselves in the background and exit 0 once it answers on its socket. */
async function daemonize(options: Options): Promise<never> {
  const args = [...process.execArgv, ...process.argv.slice(1), '--daemonized'];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? EXIT.ERROR)));
  const socket = controlSocketPath(options.runDir);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const early = await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 100))]);
    if (early !== null) {
      process.stderr.write(stderr);
      process.exit(early === 0 ? EXIT.ERROR : early);
    }
    if (await socketAnswers(socket, 200)) {
      child.stderr?.destroy();
      child.unref();
      process.stdout.write(`hbd started in the background (pid ${child.pid})\n`);
      process.exit(EXIT.OK);
    }
  }
  fail(`the background hbd (pid ${child.pid}) did not open ${socket} within 30 s; see its log`, EXIT.ERROR);
}

/** A diagnostic with its hint on one log line. */
function oneLine(text: string): string {
  return text.replace(/\n\s*/g, ' ');
}

/** A daemon with nowhere to log would be mute: default to syslog facility daemon. */
function loggingFor(config: ClusterConfig, options: Options): LoggingConfig {
  const logging = config.logging;
  if (options.foreground) return logging;
  const hasDestination = logging.logfile !== undefined || logging.debugfile !== undefined || (logging.logfacility !== undefined && logging.logfacility !== 'none');
  return hasDestination ? logging : { ...logging, logfacility: 'daemon' };
}

/** The guardian logs where hbd does, at hbd's debug level (--debug included). */
function guardianLogging(config: ClusterConfig, options: Options): LoggingConfig {
  const logging = loggingFor(config, options);
  return { ...logging, debugLevel: Math.max(logging.debugLevel, options.debug ?? 0) };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv);
  const first = load(options);
  if (!first.ok) {
    for (const line of first.errors) process.stderr.write(`${line}\n`);
    fail(
      first.missingInput
        ? `cannot read the configuration in ${options.configDir}; not starting`
        : `refusing to start: ${first.errors.length} error(s) in ${options.configDir} (run "hbctl config check --config-dir ${options.configDir}" for the full report)`,
      first.missingInput ? EXIT.NOINPUT : EXIT.CONFIG,
    );
  }
  const { config, localNode, warnings } = first.loaded;
  if (!options.foreground && !options.daemonized) await daemonize(options);

  const log = createDaemonLog({
    node: localNode,
    pid: process.pid,
    logging: loggingFor(config, options),
    stderr: options.foreground,
    ...(options.debug === undefined ? {} : { debugOverride: options.debug }),
  });
  for (const warning of warnings) log.log('warning', oneLine(warning));

  const engine: Engine<core.NodeState> = { createNode: core.createNode, step: core.step, describeNode: core.describeNode };
  const reloadConfig = (): Promise<ReloadResult> => {
    const next = load(options);
    if (!next.ok) return Promise.resolve({ ok: false, errors: next.errors.map(oneLine) });
    if (next.loaded.localNode !== localNode) return Promise.resolve({ ok: false, errors: [`this node's name changed from ${localNode} to ${next.loaded.localNode}: restart hbd for that`] });
    return Promise.resolve({ ok: true, config: next.loaded.config, warnings: next.loaded.warnings.map(oneLine) });
  };

  const startWith = async (current: ClusterConfig): Promise<Daemon> =>
    startDaemon({
      config: current,
      configDir: options.configDir,
      localNode,
      stateDir: options.stateDir,
      runDir: options.runDir,
      engine,
      log,
      reloadConfig,
      restartOnReload: true,
      ...(options.guardian
        ? { guardian: { stderr: options.foreground, underSystemd: process.env.INVOCATION_ID !== undefined, logging: (next: ClusterConfig) => guardianLogging(next, options) } }
        : {}),
      ...(options.bindAddress === undefined ? {} : { bindAddress: options.bindAddress }),
    });
  const startFailure = (error: unknown): { message: string; code: number } => {
    const known = error instanceof DaemonStartError || error instanceof AlreadyRunningError;
    return { message: known ? (error as Error).message : `internal error while starting: ${(error as Error)?.stack ?? String(error)}`, code: known ? EXIT.ERROR : EXIT.SOFTWARE };
  };

  let daemon: Daemon;
  try {
    daemon = await startWith(config);
  } catch (error) {
    const { message, code } = startFailure(error);
    log.log('crit', `not starting: ${message}`);
    await log.close();
    fail(message, code);
  }

  // A signal that arrives while a reload restarts hbd in place is for the next incarnation.
  let stopSignal: string | null = null;
  const stop = (signal: string): void => {
    stopSignal = signal;
    void daemon.shutdown(`${signal} received`);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    daemon.reload().catch((error: unknown) => log.log('error', `reload failed: ${(error as Error).message}`));
  });
  process.on('SIGUSR1', () => log.log('notice', `debug level now ${log.adjustDebug(1)}`));
  process.on('SIGUSR2', () => log.log('notice', `debug level now ${log.adjustDebug(-1)}`));
  process.on('uncaughtException', (error) => {
    log.log('emerg', `internal error (a bug in hbd), exiting: ${error.stack ?? error.message}`);
    void log.close().then(() => process.exit(EXIT.SOFTWARE));
  });

  let code = await daemon.stopped;
  let running = config;
  while (code === RESTART_KEEPING_RESOURCES) {
    const next = daemon.nextConfig() ?? running;
    try {
      daemon = await startWith(next);
      running = next;
    } catch (error) {
      // The new files passed every check but cannot run here (a medium that cannot be opened, …):
      // go back to what was running, so the resources are not left without a manager.
      log.log('crit', `restart with the new configuration failed: ${startFailure(error).message}; starting again with the previous one`);
      try {
        daemon = await startWith(running);
      } catch (again) {
        const { message } = startFailure(again);
        log.log('emerg', `restart with the previous configuration failed too: ${message}; hbd exits and the resources running here are left as they are`);
        await log.close();
        fail(message, EXIT.ERROR);
      }
    }
    if (stopSignal !== null) void daemon.shutdown(`${stopSignal} received (during the restart)`);
    code = await daemon.stopped;
  }
  await log.close();
  process.exit(code);
}

void main();
