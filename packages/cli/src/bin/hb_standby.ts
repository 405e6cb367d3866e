// hb_standby [all|foreign|local|failback]: Heartbeat's command, talking to hbd.
import { runHbStandbyCompat } from '../compat/hb-standby';
import { processIo } from '../commands/daemon/output';

void runHbStandbyCompat('standby', process.argv.slice(2), processIo).then((code) => {
  process.exitCode = code;
});
