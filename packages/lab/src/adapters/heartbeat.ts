// Debian's Heartbeat 3.0.6 (haresources mode) in a lab node: /usr/libexec/heartbeat/heartbeat -f
// with the node's own /etc/ha.d (Debian's harc, rc.d and resource.d plus the scenario's ha.cf,
// haresources, authkeys), /var/lib/heartbeat and /run. Standby and takeover are Heartbeat's own
// hb_standby / hb_takeover (they write to the node's FIFO).

import { access } from 'node:fs/promises';
import { runCommand } from '@hbd/testkit';
import { HA_DEBUGFILE, HA_LOGFILE } from '../ha-files';
import type { AdapterNodeView, ManagerAdapter, ManagerProbe, NodeFile } from './adapter';
import { countMatches, heartbeatFormatFiles, serviceFiles } from './common-files';

export const HEARTBEAT_BIN = '/usr/libexec/heartbeat/heartbeat';
export const HB_STANDBY = '/usr/share/heartbeat/hb_standby';
export const HB_TAKEOVER = '/usr/share/heartbeat/hb_takeover';
/** hb_standby is ignored until both sides are "stable": RQSTDELAY (10 s) after they met. */
export const HEARTBEAT_RQSTDELAY_MS = 10_000;

export function heartbeatAdapter(): ManagerAdapter {
  return {
    kind: 'heartbeat',
    title: 'Heartbeat',
    async probe(): Promise<ManagerProbe> {
      try {
        await access(HEARTBEAT_BIN);
      } catch {
        return { ok: false, version: '', reason: `${HEARTBEAT_BIN} is not installed (Debian package heartbeat)` };
      }
      const result = await runCommand([HEARTBEAT_BIN, '-V'], { check: false, timeoutMs: 10_000 });
      const version = /^(\d+\.\d+\.\d+)/.exec(result.stdout.trim())?.[1];
      return version === undefined ? { ok: false, version: '', reason: `heartbeat -V said: ${result.stdout.trim() || result.stderr.trim()}` } : { ok: true, version, reason: '' };
    },
    configFiles(s): NodeFile[] {
      return [...heartbeatFormatFiles(s), ...serviceFiles()];
    },
    startCommand() {
      return [HEARTBEAT_BIN, '-f'];
    },
    outputFile: '/var/log/heartbeat.out',
    logFiles: [HA_LOGFILE, HA_DEBUGFILE, '/var/log/heartbeat.out'],
    standbyCommand() {
      return [HB_STANDBY, 'all'];
    },
    takeoverCommand() {
      return [HB_TAKEOVER, 'all'];
    },
    countPeerDeaths(logText, s) {
      const names = new Set(s.nodes.map((node) => node.name));
      return countMatches(logText, /WARN: node (\S+): is dead/, (match) => names.has(match[1] ?? ''));
    },
    async isSettled(_s, running) {
      // `cl_status rscstatus` says "transition" while resources move or a standby runs; a node
      // that has not yet reached STABLE has not logged its transition-completed line.
      for (const node of running) {
        const result = await node.exec(['cl_status', 'rscstatus'], { check: false, timeoutMs: 5000 });
        const word = result.stdout.trim();
        if (result.code !== 0 || word === '' || word === 'transition') return false;
        const log = await node.readFile(HA_LOGFILE).catch(() => '');
        const lastStart = log.lastIndexOf('Configuration validated. Starting heartbeat');
        const since = lastStart < 0 ? '' : log.slice(lastStart);
        if (!/resource transition completed|Initial resource acquisition complete/.test(since)) return false;
      }
      return true;
    },
    notes() {
      return [
        'Heartbeat runs with realtime on (its default: SCHED_FIFO; mlockall fails in the lab and is harmless).',
        `hb_standby is honoured only when both nodes are stable (${HEARTBEAT_RQSTDELAY_MS / 1000} s RQSTDELAY after they meet).`,
        'Failback (auto_failback on) runs the standby protocol from the holder once the joiner is stable.',
      ];
    },
  };
}

/** For adapters' settledness checks: nodes answer exec() through their namespace prefix. */
export type { AdapterNodeView };
