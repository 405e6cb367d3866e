// hb_standby / hb_takeover with Heartbeat's arguments and messages (reference §5.10, §6.4):
//   hb_standby [all|foreign|local|failback]     (no argument = all)
// More than one argument or an unknown word: Heartbeat's usage text, exit 1. Like Heartbeat's
// scripts they return once the request is handed over (they do not wait); `hbctl standby`
// waits and reports. Without a daemon: hbctl's message and exit 69.

import { ADMIN_SCOPES, type AdminScope } from '@hbd/ipc';
import { runStandbyOrTakeover } from '../commands/daemon/admin-command';
import { EXIT, type Io } from '../commands/daemon/output';

export async function runHbStandbyCompat(command: 'standby' | 'takeover', args: readonly string[], io: Io): Promise<number> {
  const program = command === 'standby' ? 'hb_standby' : 'hb_takeover';
  const usage = `usage:\n${program} [all|foreign|local|failback]\n`;
  if (args.length > 1) {
    io.stderr(`${program}: too many arguments\n${usage}`);
    return EXIT.ERROR;
  }
  const scope = args[0] ?? 'all';
  if (!(ADMIN_SCOPES as readonly string[]).includes(scope)) {
    io.stderr(`${program}: wrong resources(${scope}).\n${usage}`);
    return EXIT.ERROR;
  }
  if (command === 'standby') io.stdout(`Going standby [${scope}].\n`);
  else io.stdout(`Taking over [${scope}].\n`);
  const runDir = io.env.HBD_RUN_DIR;
  return runStandbyOrTakeover(command, scope as AdminScope, { wait: false, ...(runDir === undefined ? {} : { runDir }) }, quiet(io));
}

/** The compat tools print Heartbeat's line, not hbctl's "requested…" line; errors still go to stderr. */
function quiet(io: Io): Io {
  return { ...io, stdout: () => undefined };
}
