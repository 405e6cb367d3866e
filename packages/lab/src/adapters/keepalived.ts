// keepalived 2.2.7 in a lab node, VRRP only, in the foreground, logging to the console (captured
// in the node's /var/log), never to the host's syslog. The equivalent configuration and what
// "standby" means for keepalived are explained in keepalived-conf.ts.

import { access } from 'node:fs/promises';
import { runCommand } from '@hbd/testkit';
import { KEEPALIVED_CONF, KEEPALIVED_LOG, KEEPALIVED_NOTIFY, KEEPALIVED_STANDBY_FILE, keepalivedConf } from '../keepalived-conf';
import { keepalivedNotifyScript } from '../service-scripts';
import type { ManagerAdapter, ManagerProbe, NodeFile } from './adapter';
import { countMatches, serviceFiles } from './common-files';

export const KEEPALIVED_BIN = '/usr/sbin/keepalived';

export function keepalivedAdapter(): ManagerAdapter {
  return {
    kind: 'keepalived',
    title: 'keepalived',
    async probe(): Promise<ManagerProbe> {
      try {
        await access(KEEPALIVED_BIN);
      } catch {
        return { ok: false, version: '', reason: `${KEEPALIVED_BIN} is not installed (Debian package keepalived)` };
      }
      const result = await runCommand([KEEPALIVED_BIN, '--version'], { check: false, timeoutMs: 10_000 });
      const version = /Keepalived v(\d+\.\d+\.\d+)/.exec(`${result.stdout}\n${result.stderr}`)?.[1];
      return version === undefined ? { ok: false, version: '', reason: 'keepalived --version printed no version' } : { ok: true, version, reason: '' };
    },
    configFiles(s, node): NodeFile[] {
      return [
        { path: KEEPALIVED_CONF, content: keepalivedConf(s, node).text, mode: 0o644 },
        { path: KEEPALIVED_NOTIFY, content: keepalivedNotifyScript(s), mode: 0o755 },
        { path: KEEPALIVED_STANDBY_FILE, content: '0\n', mode: 0o644 },
        ...serviceFiles(),
      ];
    },
    startCommand() {
      return [KEEPALIVED_BIN, '--dont-fork', '--log-console', '--log-detail', '--no-syslog', '--vrrp', '--use-file', KEEPALIVED_CONF];
    },
    outputFile: KEEPALIVED_LOG,
    logFiles: [KEEPALIVED_LOG, '/var/log/keepalived-notify.log'],
    standbyCommand() {
      return ['sh', '-c', `echo 1 > ${KEEPALIVED_STANDBY_FILE}`];
    },
    takeoverCommand() {
      // Ends this node's standby; with preempt (auto_failback on) the higher priority takes the VIP back.
      return ['sh', '-c', `echo 0 > ${KEEPALIVED_STANDBY_FILE}`];
    },
    countPeerDeaths(logText) {
      // A backup that stops hearing the master: keepalived's "the master is dead".
      return countMatches(logText, /Receive advertisement timeout/, () => true);
    },
    async isSettled() {
      return true;
    },
    notes(s) {
      const first = s.nodes[0];
      return first === undefined ? [] : [...keepalivedConf(s, first).notes];
    },
  };
}
