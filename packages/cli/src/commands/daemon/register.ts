// Registers the commands that talk to the daemon on hbctl's commander program:
//   status [--json] [--watch]
//   standby [all|local|foreign|failback] [--no-wait] [--timeout S] [--json]
//   takeover [all|local|foreign|failback] [--no-wait] [--timeout S] [--json]
//   cleanup GROUP [--no-wait] [--json]
//   fence confirm NODE [--json]
//   fence check [--json]
//   node list [--json]
//   resource list [--json]
// Every one takes --run-dir (default $HBD_RUN_DIR, else /run/hbd). Without a daemon: a clear
// message and exit 69. Each action reports through ctx.setExitCode; nothing calls process.exit.

import { Argument, Command } from 'commander';
import { ADMIN_SCOPES, type AdminScope } from '@hbd/ipc';
import { runCleanup, runStandbyOrTakeover, DEFAULT_ADMIN_TIMEOUT_S, type AdminOptions } from './admin-command';
import { runFenceCheck, runFenceConfirm } from './fence-command';
import { runNodeList, runResourceList } from './list-commands';
import { processIo, type Io } from './output';
import { runStatus, type StatusOptions } from './status-command';

const RUN_DIR_HELP = 'where hbd keeps its control socket (default $HBD_RUN_DIR, else /run/hbd)';

function parent(program: Command, name: string, description: string): Command {
  return program.commands.find((command) => command.name() === name) ?? program.command(name).description(description);
}

function seconds(value: string): number {
  return Number(value);
}

/** What registration needs from hbctl: its streams and how a command reports its exit status. */
export interface DaemonCommandContext {
  readonly io: Io;
  setExitCode(code: number): void;
}

const PROCESS_CONTEXT: DaemonCommandContext = {
  io: processIo,
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

export function registerDaemonCommands(program: Command, ctx: DaemonCommandContext = PROCESS_CONTEXT): void {
  const io = ctx.io;
  const set = (code: number): void => ctx.setExitCode(code);

  program
    .command('status')
    .description('what this node knows: nodes and links, ping targets and quorum, groups, the last failover')
    .option('--json', 'one JSON document on stdout')
    .option('-w, --watch', 'keep showing the status as it changes (Ctrl-C to stop)')
    .option('--run-dir <dir>', RUN_DIR_HELP)
    .action(async (options: StatusOptions) => set(await runStatus(options, io)));

  for (const command of ['standby', 'takeover'] as const) {
    program
      .command(command)
      .description(
        command === 'standby'
          ? 'give groups to the other node (all: every group; local: those preferring this node; foreign: the others; failback: as foreign)'
          : 'take groups from the other node (all; local: those preferring this node; foreign: the others; failback: the groups that prefer this node)',
      )
      .addArgument(new Argument('[scope]', 'which groups').choices(ADMIN_SCOPES).default('all'))
      .option('--no-wait', 'return once hbd accepted the request')
      .option('--timeout <seconds>', `give up waiting after this long (default ${DEFAULT_ADMIN_TIMEOUT_S})`, seconds)
      .option('-q, --quiet', 'no progress lines on stderr')
      .option('--json', 'one JSON document on stdout')
      .option('--run-dir <dir>', RUN_DIR_HELP)
      .action(async (scope: AdminScope, options: AdminOptions) => set(await runStandbyOrTakeover(command, scope, options, io)));
  }

  program
    .command('cleanup')
    .description('after making sure it is stopped everywhere: clear the failed/unclean state of a group')
    .argument('<group>', 'the group (the first resource of its haresources line)')
    .option('--no-wait', 'return once hbd accepted the request')
    .option('--timeout <seconds>', `give up waiting after this long (default ${DEFAULT_ADMIN_TIMEOUT_S})`, seconds)
    .option('-q, --quiet', 'no progress lines on stderr')
    .option('--json', 'one JSON document on stdout')
    .option('--run-dir <dir>', RUN_DIR_HELP)
    .action(async (group: string, options: AdminOptions) => set(await runCleanup(group, options, io)));

  parent(program, 'fence', 'fencing (stonith_host)')
    .command('confirm')
    .description('meatware: you power-cycled NODE by hand (or made sure it is off); its groups may be taken over (Heartbeat: meatclient -c NODE)')
    .argument('<node>', 'the node hbd asked you to power-cycle (see the log: OPERATOR INTERVENTION REQUIRED)')
    .option('--json', 'one JSON document on stdout')
    .option('--run-dir <dir>', RUN_DIR_HELP)
    .action(async (node: string, options: { json?: boolean; runDir?: string }) => set(await runFenceConfirm(node, options, io)));

  parent(program, 'fence', 'fencing (stonith_host)')
    .command('check')
    .description('try every stonith_host device this node may use, without fencing anything (plugin status and gethosts; ssh: a login)')
    .option('--json', 'one JSON document on stdout')
    .option('--run-dir <dir>', RUN_DIR_HELP)
    .action(async (options: { json?: boolean; runDir?: string }) => set(await runFenceCheck(options, io)));

  parent(program, 'node', 'cluster nodes')
    .command('list')
    .description('nodes and ping targets with their status and links (cl_status listnodes)')
    .option('--json', 'one JSON document on stdout')
    .option('--run-dir <dir>', RUN_DIR_HELP)
    .action(async (options: { json?: boolean; runDir?: string }) => set(await runNodeList(options, io)));

  parent(program, 'resource', 'resource groups')
    .command('list')
    .description('every group with its owner and each resource with its state here and its agent')
    .option('--json', 'one JSON document on stdout')
    .option('--run-dir <dir>', RUN_DIR_HELP)
    .action(async (options: { json?: boolean; runDir?: string }) => set(await runResourceList(options, io)));
}
