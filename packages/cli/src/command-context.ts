// What every hbctl command gets: where to write, the command line (for --json), and a way to set
// the exit code. Commands never call process.exit and never throw for user errors.

import type { CliIo } from './io';

export interface CommandContext {
  readonly io: CliIo;
  /** `hbctl …` as typed, for the JSON envelope. */
  readonly request: string;
  /** Record the exit code of the command that ran. */
  setExitCode(code: number): void;
}
