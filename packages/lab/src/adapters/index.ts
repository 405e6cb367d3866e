import type { ManagerAdapter, ManagerKind } from './adapter';
import { hbdAdapter } from './hbd';
import { heartbeatAdapter } from './heartbeat';
import { keepalivedAdapter } from './keepalived';

export * from './adapter';
export { hbdAdapter, HBD_STATE_DIR } from './hbd';
export { heartbeatAdapter, HEARTBEAT_BIN, HB_STANDBY, HB_TAKEOVER, HEARTBEAT_RQSTDELAY_MS } from './heartbeat';
export { keepalivedAdapter, KEEPALIVED_BIN } from './keepalived';

export function adapterFor(kind: ManagerKind): ManagerAdapter {
  switch (kind) {
    case 'hbd':
      return hbdAdapter();
    case 'heartbeat':
      return heartbeatAdapter();
    case 'keepalived':
      return keepalivedAdapter();
  }
}
