// Checks that depend on the machine running them: interfaces that must exist for bcast, ucast
// and mcast, and respawn programs that Heartbeat would have to execute.

import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, type Diagnostic, type HaCfSettings } from '@hbd/config';

export const DEFAULT_NET_DIR = '/sys/class/net';

/** Interfaces named by links that do not exist here. Skipped when `netDir` does not exist (not Linux). */
export function interfaceDiagnostics(settings: HaCfSettings, netDir: string): Diagnostic[] {
  if (!existsSync(netDir)) return [];
  const out: Diagnostic[] = [];
  for (const m of settings.media) {
    const medium = m.value;
    if (medium.kind !== 'ucast' && medium.kind !== 'bcast' && medium.kind !== 'mcast') continue;
    const device = medium.iface.split(':')[0] as string; // an alias label (eth0:0) lives on eth0
    if (existsSync(join(netDir, device))) continue;
    out.push(
      diagnostic(
        'HB_CFG_IFACE_MISSING',
        m.location,
        `${medium.kind} interface "${medium.iface}" does not exist on this machine`,
        'expected if this configuration is for another machine; on the node itself this link will carry no heartbeats',
      ),
    );
  }
  return out;
}

export function respawnDiagnostics(settings: HaCfSettings): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of settings.respawn) {
    const program = r.value.command.split(/\s+/)[0] as string;
    try {
      accessSync(program, constants.X_OK);
    } catch {
      out.push(
        diagnostic(
          'HB_CFG_RESPAWN_NOT_EXECUTABLE',
          r.location,
          `${r.value.failfast ? 'failfast' : 'respawn'} program "${program}" is not executable here (Heartbeat would refuse to start)`,
          program.endsWith('/ipfail') ? 'Debian installs ipfail as /usr/libexec/heartbeat/ipfail; hbd does not need it' : 'check the path',
        ),
      );
    }
  }
  return out;
}
