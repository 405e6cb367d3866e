// cl_status (Heartbeat's status tool), the subset scripts use, answered by hbd.
import { runClStatus } from '../compat/cl-status';
import { processIo } from '../commands/daemon/output';

void runClStatus(process.argv.slice(2), processIo).then((code) => {
  process.exitCode = code;
});
