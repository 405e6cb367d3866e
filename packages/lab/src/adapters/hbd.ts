// hbd in a lab node, with the very same /etc/ha.d as Heartbeat (Debian's resource.d scripts
// included: hbd resolves resource.d first). It runs with its defaults — config dir /etc/ha.d,
// node name from `uname -n`, run dir /run/hbd — except the state dir: /var/lib/hbd does not exist
// on a host without hbd installed, and the lab never creates directories on the host, so the
// generation lives in the node's private /var/lib/heartbeat/hbd.

import { access } from 'node:fs/promises';
import { runCommand } from '@hbd/testkit';
import { HA_DEBUGFILE, HA_LOGFILE } from '../ha-files';
import { HBCTL_BIN, HBCTL_DIST_ENTRY, HBD_BIN, HBD_DIST_ENTRY } from '../paths';
import type { ManagerAdapter, ManagerProbe, NodeFile } from './adapter';
import { countMatches, heartbeatFormatFiles, serviceFiles } from './common-files';

export const HBD_STATE_DIR = '/var/lib/heartbeat/hbd';

interface HbdStatusLike {
  readonly localStatus?: string;
  readonly nodes?: readonly { readonly name: string; readonly status: string }[];
  readonly groups?: readonly { readonly owner: string | null; readonly localState: string }[];
  readonly lastFailover?: { readonly outcome: string } | null;
}

export function hbdAdapter(): ManagerAdapter {
  return {
    kind: 'hbd',
    title: 'hbd',
    async probe(): Promise<ManagerProbe> {
      for (const [file, what] of [
        [HBD_DIST_ENTRY, 'hbd is not built: run `pnpm --filter @hbd/daemon build`'],
        [HBCTL_DIST_ENTRY, 'hbctl is not built: run `pnpm --filter @hbd/cli build`'],
      ] as const) {
        try {
          await access(file);
        } catch {
          return { ok: false, version: '', reason: what };
        }
      }
      const result = await runCommand([process.execPath, HBD_BIN, '--version'], { check: false, timeoutMs: 20_000 });
      const version = result.stdout.trim().split('\n').pop() ?? '';
      if (result.code !== 0 || version === '') return { ok: false, version: '', reason: `hbd --version failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' / ')}` };
      return { ok: true, version, reason: '' };
    },
    configFiles(s): NodeFile[] {
      return [...heartbeatFormatFiles(s), ...serviceFiles()];
    },
    startCommand() {
      return [process.execPath, HBD_BIN, '--foreground', '--state-dir', HBD_STATE_DIR];
    },
    outputFile: '/var/log/hbd.out',
    logFiles: [HA_LOGFILE, HA_DEBUGFILE, '/var/log/hbd.out'],
    standbyCommand() {
      return [process.execPath, HBCTL_BIN, 'standby', '--no-wait', 'all'];
    },
    takeoverCommand() {
      return [process.execPath, HBCTL_BIN, 'takeover', '--no-wait', 'all'];
    },
    countPeerDeaths(logText, s) {
      const names = new Set(s.nodes.map((node) => node.name));
      return countMatches(logText, /node (\S+) is dead: nothing heard/, (match) => names.has(match[1] ?? ''));
    },
    async isSettled(_s, running) {
      for (const node of running) {
        const result = await node.exec([process.execPath, HBCTL_BIN, 'status', '--json'], { check: false, timeoutMs: 10_000 });
        const status = parseStatus(result.stdout);
        if (status === null || status.localStatus !== 'active') return false;
        if ((status.groups ?? []).some((group) => group.owner === null || !['started', 'stopped'].includes(group.localState))) return false;
        if (status.lastFailover?.outcome === 'inProgress') return false;
      }
      return true;
    },
    notes() {
      return [`hbd's state dir is ${HBD_STATE_DIR} (the host has no /var/lib/hbd); everything else is its default.`];
    },
  };
}

/** `hbctl status --json` prints an envelope; the document is under `data` (or is the document). */
function parseStatus(stdout: string): HbdStatusLike | null {
  try {
    const parsed = JSON.parse(stdout) as { data?: HbdStatusLike } & HbdStatusLike;
    return parsed.data ?? parsed;
  } catch {
    return null;
  }
}
