// Every hbctl command is registered here, one module per command family under commands/.
// To add one (e.g. `status`): write commands/status.ts exporting
//   export function registerStatusCommand(program: Command, ctx: CommandContext): void
// that calls program.command('status')… .action(…), writes through ctx.io, calls
// ctx.setExitCode(EXIT.…) (exit-codes.ts; document new codes in docs/reference/exit-codes.md) and,
// with --json, prints exactly one envelope(…) (json-envelope.ts). Then add it to the list below.

import type { Command } from 'commander';
import type { CommandContext } from '../command-context';
import { registerConfigCommands } from './config';
import { registerDaemonCommands } from './daemon/index';

export type CommandRegistrar = (program: Command, ctx: CommandContext) => void;

export const COMMANDS: readonly CommandRegistrar[] = [
  registerConfigCommands,
  // status, standby, takeover, cleanup, node list, resource list (they talk to hbd)
  registerDaemonCommands,
];

export function registerCommands(program: Command, ctx: CommandContext): void {
  for (const register of COMMANDS) register(program, ctx);
}
