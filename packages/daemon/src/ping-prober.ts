// ICMP echo through iputils `ping` (no raw sockets, no native module): `ping -n -c 1 -W <s> <ip>`
// with LC_ALL=C, judged by its exit status only (0 = a reply came back). At most one probe per
// address is in flight: a second request while one runs shares its result, so a slow or
// unreachable target can never cause a spawn storm.

import { spawn, type ChildProcess } from 'node:child_process';
import type { Prober } from './ports';

export interface PingProberOptions {
  /** argv before the options, default ["ping"]. Tests point it at a stand-in script. */
  readonly command?: readonly string[];
  /** Called once per spawn failure kind (e.g. ping not installed). */
  readonly onTrouble?: (text: string) => void;
}

export function pingArgv(address: string, timeoutMs: number, command: readonly string[] = ['ping']): string[] {
  // -W takes whole seconds on older iputils; never less than 1.
  const waitSeconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  return [...command, '-n', '-c', '1', '-W', String(waitSeconds), address];
}

export function createPingProber(options: PingProberOptions = {}): Prober {
  const inFlight = new Map<string, { child: ChildProcess | null; waiters: ((reachable: boolean) => void)[] }>();
  const reported = new Set<string>();
  let stopped = false;

  function trouble(key: string, text: string): void {
    if (reported.has(key)) return;
    reported.add(key);
    options.onTrouble?.(text);
  }

  return {
    probe(address, timeoutMs) {
      return new Promise<boolean>((resolve) => {
        if (stopped) return resolve(false);
        const running = inFlight.get(address);
        if (running !== undefined) {
          running.waiters.push(resolve);
          return;
        }
        const entry = { child: null as ChildProcess | null, waiters: [resolve] };
        inFlight.set(address, entry);
        let settled = false;
        const finish = (reachable: boolean): void => {
          if (settled) return;
          settled = true;
          clearTimeout(killTimer);
          inFlight.delete(address);
          for (const waiter of entry.waiters) waiter(reachable);
        };
        const [command, ...args] = pingArgv(address, timeoutMs, options.command);
        const child = spawn(command!, args, {
          stdio: 'ignore',
          env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', LANG: 'C' },
        });
        entry.child = child;
        // ping honours -W itself; this only catches a wedged ping (e.g. a DNS-less resolver hang).
        const killTimer = setTimeout(() => {
          child.kill('SIGKILL');
          finish(false);
        }, Math.max(1000, Math.ceil(timeoutMs / 1000) * 1000) + 2000);
        child.on('error', (error) => {
          trouble(`spawn:${(error as NodeJS.ErrnoException).code ?? error.message}`, `cannot run ${command}: ${error.message}; every ping target counts as unreachable`);
          finish(false);
        });
        child.on('exit', (code) => {
          if (code === 2) trouble(`exit2:${address}`, `${command} ${address} exited 2 (an error other than no reply, e.g. no route or no permission for ICMP); counted as unreachable`);
          finish(code === 0);
        });
      });
    },
    stop() {
      stopped = true;
      for (const entry of inFlight.values()) entry.child?.kill('SIGKILL');
    },
  };
}
