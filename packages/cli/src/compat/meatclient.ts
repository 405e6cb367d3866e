// meatclient -c NODE: Heartbeat's confirmation of a manual (meatware) fence, talking to hbd
// (the same as `hbctl fence confirm NODE`). As Heartbeat's, it warns and asks before it confirms:
// confirming a node that still runs corrupts shared data.

import { runFenceConfirm } from '../commands/daemon/fence-command';
import { EXIT, type Io } from '../commands/daemon/output';

const USAGE = 'usage: meatclient -c nodename\n';

export async function runMeatclientCompat(args: readonly string[], io: Io, ask: (question: string) => Promise<string>): Promise<number> {
  if (args.length !== 2 || args[0] !== '-c' || args[1] === undefined || args[1] === '') {
    io.stderr(USAGE);
    return EXIT.ERROR;
  }
  const node = args[1];
  const answer = await ask(
    `WARNING!\n\nIf node "${node}" has not been manually power-cycled or disconnected from all shared resources and networks, ` +
      'data on shared disks may become corrupted and migrated services might not work as expected.\n' +
      'Please verify that the name or address above corresponds to the node you just rebooted.\n\nPROCEED? [yN] ',
  );
  if (!/^y(es)?$/i.test(answer.trim())) {
    io.stderr('Meatware_client: operation canceled.\n');
    return EXIT.ERROR;
  }
  const runDir = io.env.HBD_RUN_DIR;
  return runFenceConfirm(node, runDir === undefined ? {} : { runDir }, io);
}
