// Opening a control session for one hbctl command, and closing it whatever happens.

import type { DaemonClient } from '../../daemon-client';
import { connectDaemon, daemonSocketPath } from '../../daemon-client';

export interface DaemonCommandOptions {
  readonly runDir?: string;
  readonly json?: boolean;
}

export async function withDaemon<T>(options: DaemonCommandOptions, client: string, use: (daemon: DaemonClient) => Promise<T>): Promise<T> {
  const daemon = await connectDaemon({ socketPath: daemonSocketPath(options.runDir), client });
  try {
    return await use(daemon);
  } finally {
    daemon.close();
  }
}
