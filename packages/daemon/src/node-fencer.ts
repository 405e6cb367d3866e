// Fencing is not implemented yet (stonith_host lines are kept raw by the config). A fence order
// is therefore answered at once with "failed": the engine keeps the group where it is (no node
// starts it) until an operator, having checked, runs `hbctl cleanup`. Saying "fenced" without
// fencing would be the one unsafe answer.

import type { Log } from './logger';
import type { Fencer } from './ports';

export function createNoFencer(log: Log, stonithHostsConfigured: number): Fencer {
  return {
    fence(node, reason) {
      log.log(
        'crit',
        `cannot fence ${node} (${reason}): hbd does not implement fencing yet` +
          (stonithHostsConfigured > 0 ? ` (${stonithHostsConfigured} stonith_host line(s) ignored)` : '') +
          `; make sure ${node} is really down, then run "hbctl cleanup <group>"`,
      );
      return Promise.resolve(false);
    },
  };
}
