// hbctl's entry point, callable in-process: parse argv, run one command, return the exit code.
// Commander never exits the process (exitOverride), usage errors exit 64, unexpected exceptions
// exit 70 with one line (no stack trace unless HBD_DEBUG=1).

import { Command, CommanderError } from 'commander';
import type { CommandContext } from './command-context';
import { registerCommands } from './commands/index';
import { EXIT } from './exit-codes';
import type { CliIo } from './io';
import { envelope, renderJson, requestText } from './json-envelope';

const { version } = require('../package.json') as { version: string };

export function createProgram(ctx: CommandContext, jsonRequested: boolean): Command {
  const program = new Command('hbctl')
    .description('hbd control: check the Heartbeat configuration (and, with a running hbd, query and steer the cluster)')
    .version(version, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout(s),
      writeErr: (s) => ctx.io.stderr(s),
      // With --json the error goes into the JSON document instead.
      outputError: (s, write) => {
        if (!jsonRequested) write(s);
      },
    });
  if (!jsonRequested) program.showHelpAfterError('(run "hbctl --help" for usage)');
  registerCommands(program, ctx);
  return program;
}

export async function runHbctl(argv: readonly string[], io: CliIo): Promise<number> {
  const request = requestText(argv);
  const jsonRequested = argv.includes('--json');
  let exitCode: number | undefined;
  const ctx: CommandContext = { io, request, setExitCode: (code) => (exitCode = code) };
  // Commands may also report through process.exitCode; take it, and leave the process as it was.
  const processExitCodeBefore = process.exitCode;
  try {
    await createProgram(ctx, jsonRequested).parseAsync([...argv], { from: 'user' });
    const fromProcess = process.exitCode;
    return exitCode ?? (fromProcess !== processExitCodeBefore && fromProcess !== undefined ? Number(fromProcess) : EXIT.OK);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.OK;
      if (jsonRequested) io.stdout(renderJson(envelope(request, EXIT.USAGE, err.message.replace(/^error: /, ''), null)));
      return EXIT.USAGE;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (jsonRequested) {
      io.stdout(renderJson(envelope(request, EXIT.SOFTWARE, `internal error: ${message}`, null)));
    } else {
      io.stderr(`hbctl: internal error: ${message}\n`);
      io.stderr(io.env['HBD_DEBUG'] === '1' && err instanceof Error && err.stack !== undefined ? `${err.stack}\n` : 'This is a bug in hbctl; run with HBD_DEBUG=1 for details and please report it.\n');
    }
    return EXIT.SOFTWARE;
  } finally {
    process.exitCode = processExitCodeBefore;
  }
}
