// The hbctl executable (packages/cli/bin/hbctl.js requires the compiled form of this file).
import { processIo } from '../io';
import { runHbctl } from '../main';

runHbctl(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // runHbctl catches everything; this is the last line of defence.
    process.stderr.write(`hbctl: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 70;
  },
);
