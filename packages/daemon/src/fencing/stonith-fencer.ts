// The daemon's Fencer: carries out the engine's `fenceNode` orders with the stonith_host devices
// this node may use (its own name or "*" as the first word), in file order, meatware last. A
// device is used only if it can fence the victim (external: its gethosts output; ssh, meatware:
// their host list). The answer is "fenced" only on the device's proof: the plugin's exit 0, the
// reboot seen over SSH, the operator's confirmation. One fence per node at a time: a second order
// for a node being fenced shares the first one's answer.

import type { FencingConfig, StonithDevice } from '@hbd/config';
import type { Log } from '../logger';
import type { Fencer } from '../ports';
import { seconds } from '../format';
import { ExternalPlugin, SYSTEM_PLUGIN_DIR, findPlugin } from './external-plugin';
import { MeatwareDesk } from './meatware';

/** What one device says about one node. */
export interface DeviceOutcome {
  readonly ok: boolean;
  /** For the log: exit status, output tail, what was seen. */
  readonly detail: string;
}

export interface DeviceDriver {
  readonly device: StonithDevice;
  /** Whether the device can fence `node`; `why` explains a no (or names the host list). */
  canFence(node: string): Promise<{ readonly ok: boolean; readonly why: string }>;
  reset(node: string): Promise<DeviceOutcome>;
  /** Without fencing anything: can the device be used (external: `status`), and whom can it fence. */
  check(): Promise<DeviceCheck>;
}

/** `hbctl fence check`: one device as this node sees it. */
export interface DeviceCheck {
  readonly ok: boolean;
  readonly hosts: readonly string[];
  readonly detail: string;
}

export interface StonithFencerOptions {
  readonly localNode: string;
  readonly fencing: FencingConfig;
  readonly log: Log;
  /** Plugins shipped with hbd, searched after the system directory. */
  readonly bundledPluginDir: string;
  /** Whether this node holds (or is starting) a group now: if not, stonith_delay applies. */
  readonly holdsGroups: () => boolean;
  /**
   * The generation of `node` while it is heard (up, active, leaving), null while it is dead. A
   * fence under way stops when the node is heard again after the order (dead then, or restarted
   * since): the engine has dropped that order (it orders again if still needed), and an operator's
   * late "confirm" must not mark the running incarnation fenced. A live node with an unclean group
   * is fenced as ordered.
   */
  readonly nodeIncarnation?: (node: string) => number | null;
  /** The ssh driver (ssh-fence.ts); injected so tests need no SSH server. */
  readonly sshDriver: (device: StonithDevice, timeoutMs: number) => DeviceDriver;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface StonithFencer extends Fencer {
  /** `hbctl fence confirm <node>`: the operator power-cycled it. */
  confirm(node: string): { readonly ok: boolean; readonly message: string };
  /** Nodes a meatware fence waits for. */
  waitingForOperator(): string[];
  /** Checks the devices once at start-up and logs what is wrong (plugin missing, bad mode). */
  checkDevices(): void;
  /** `hbctl fence check`: every device this node may use, tried without fencing anything. */
  check(): Promise<{ readonly device: string; readonly ok: boolean; readonly hosts: readonly string[]; readonly detail: string }[]>;
  stop(): void;
}

/** How often a meatware wait looks whether the node came back. */
const ALIVE_CHECK_MS = 500;

export function deviceLabel(device: StonithDevice): string {
  return `${device.type} (${device.location.file}:${device.location.line})`;
}

export function pluginDirs(fencing: FencingConfig, bundledPluginDir: string): string[] {
  return [...fencing.pluginDirs, SYSTEM_PLUGIN_DIR, bundledPluginDir];
}

/** The devices `localNode` may use, in the order they are tried. */
export function usableDevices(devices: readonly StonithDevice[], localNode: string): StonithDevice[] {
  const mine = devices.filter((d) => d.hostFrom === '*' || d.hostFrom === localNode);
  return [...mine.filter((d) => d.driver !== 'meatware'), ...mine.filter((d) => d.driver === 'meatware')];
}

export function createStonithFencer(options: StonithFencerOptions): StonithFencer {
  const { localNode, fencing, log } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()));
  const dirs = pluginDirs(fencing, options.bundledPluginDir);
  const desk = new MeatwareDesk();
  const inFlight = new Map<string, Promise<boolean>>();
  let stopped = false;

  const drivers: DeviceDriver[] = usableDevices(fencing.devices, localNode).map((device): DeviceDriver => {
    switch (device.driver) {
      case 'external': {
        const plugin = new ExternalPlugin(device, dirs, fencing.timeoutMs);
        return {
          device,
          async canFence(node) {
            const answer = await plugin.hosts();
            if ('error' in answer) return { ok: false, why: answer.error };
            return { ok: answer.hosts.includes(node), why: `gethosts: ${answer.hosts.join(' ') || '(none)'}` };
          },
          reset: (node) => plugin.reset(node),
          async check() {
            const status = await plugin.status();
            const hosts = await plugin.hosts();
            const list = 'error' in hosts ? [] : hosts.hosts;
            if (!status.ok) return { ok: false, hosts: list, detail: `status: ${status.detail}` };
            if ('error' in hosts) return { ok: false, hosts: [], detail: hosts.error };
            return { ok: true, hosts: list, detail: `status: ${status.detail}` };
          },
        };
      }
      case 'ssh':
        return options.sshDriver(device, fencing.timeoutMs);
      case 'meatware':
        return {
          device,
          canFence: (node) => Promise.resolve({ ok: (device.hosts ?? []).includes(node), why: `hosts: ${(device.hosts ?? []).join(' ')}` }),
          check: () => Promise.resolve({ ok: true, hosts: device.hosts ?? [], detail: `an operator power-cycles the node and runs "hbctl fence confirm <node>" on ${localNode}` }),
          async reset(node) {
            log.log('crit', `OPERATOR INTERVENTION REQUIRED: power-cycle ${node} by hand (or make sure it is off), then run "hbctl fence confirm ${node}" on ${localNode}; until then no group of ${node} starts anywhere`);
            const waiting = desk.wait(node);
            const orderedFor = options.nodeIncarnation?.(node) ?? null;
            let back = false;
            const watch = setInterval(() => {
              const now = options.nodeIncarnation?.(node) ?? null;
              if (now !== null && now !== orderedFor) {
                back = true;
                desk.cancel(node);
              }
            }, ALIVE_CHECK_MS);
            const confirmed = await waiting.finally(() => clearInterval(watch));
            if (confirmed) return { ok: true, detail: 'the operator confirmed it (hbctl fence confirm)' };
            return { ok: false, detail: back ? `${node} is heard again: no confirmation needed any more` : 'hbd stopped before the operator confirmed' };
          },
        };
      case 'unsupported':
        return {
          device,
          canFence: () => Promise.resolve({ ok: true, why: '' }),
          check: () => Promise.resolve({ ok: false, hosts: [], detail: `hbd cannot drive STONITH type "${device.type}": every fence through it fails` }),
          reset: () => Promise.resolve({ ok: false, detail: `hbd cannot drive STONITH type "${device.type}" (see HB_CFG_STONITH_UNSUPPORTED): use an external/ plugin for this device` }),
        };
    }
  });

  async function fenceOnce(node: string, reason: string): Promise<boolean> {
    // Let the engine's own line for this order ("fencing X: why") be logged first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (drivers.length === 0) {
      const others = fencing.devices.map((d) => `${d.hostFrom} ${d.type}`).join(', ');
      log.log('crit', `cannot fence ${node} (${reason}): no stonith_host line lets ${localNode} fence${others === '' ? '' : ` (lines: ${others})`}; make sure ${node} is down, then run "hbctl cleanup <group>"`);
      return false;
    }
    if (fencing.delayMs > 0 && !options.holdsGroups()) {
      log.log('notice', `waiting ${seconds(fencing.delayMs)} before fencing ${node} (stonith_delay: ${localNode} holds no group, so a peer that does may fence first)`);
      await sleep(fencing.delayMs);
      if (stopped) return false;
    }
    const tried: string[] = [];
    const orderedFor = options.nodeIncarnation?.(node) ?? null;
    const backAlive = (): boolean => {
      const now = options.nodeIncarnation?.(node) ?? null;
      if (now === null || now === orderedFor) return false;
      log.log('notice', `${node} is heard again: fencing it stops here (the engine takes it back as a member)`);
      return true;
    };
    for (const driver of drivers) {
      if (backAlive()) return false;
      const label = deviceLabel(driver.device);
      const can = await driver.canFence(node);
      if (!can.ok) {
        log.log('info', `${label} cannot fence ${node}${can.why === '' ? '' : ` (${can.why})`}`);
        tried.push(`${label}: cannot fence ${node}`);
        continue;
      }
      log.log('warning', `fencing ${node} with ${label}: reset`);
      const startedAt = performance.now();
      const outcome = await driver.reset(node);
      const took = seconds(performance.now() - startedAt);
      if (outcome.ok) {
        log.log('notice', `${node} fenced with ${label} in ${took}: ${outcome.detail}`);
        return true;
      }
      if (backAlive()) return false;
      log.log('crit', `fencing ${node} with ${label} FAILED after ${took}: ${outcome.detail}`);
      tried.push(`${label}: failed`);
      if (stopped) return false;
    }
    log.log('crit', `cannot fence ${node}: no device succeeded (${tried.join('; ')}); its groups stay stopped everywhere until it is fenced (retried every 5 s) or, once you made sure ${node} is down, "hbctl cleanup <group>"`);
    return false;
  }

  return {
    fence(node, reason) {
      const running = inFlight.get(node);
      if (running !== undefined) {
        log.debug(1, `fence of ${node} already under way: this order shares its answer`);
        return running;
      }
      const attempt = fenceOnce(node, reason)
        .catch((error: unknown) => {
          log.log('crit', `fencing ${node} failed: ${error instanceof Error ? error.message : String(error)}`);
          return false;
        })
        .finally(() => inFlight.delete(node));
      inFlight.set(node, attempt);
      return attempt;
    },
    confirm(node) {
      if (desk.confirm(node)) {
        log.log('notice', `the operator confirmed that ${node} was power-cycled (hbctl fence confirm)`);
        return { ok: true, message: `${node} confirmed fenced: its groups may be taken over` };
      }
      const waiting = desk.pending();
      return {
        ok: false,
        message: `no fence of ${node} is waiting for an operator on ${localNode}${waiting.length > 0 ? ` (waiting: ${waiting.join(', ')})` : ''}`,
      };
    },
    waitingForOperator: () => desk.pending(),
    async check() {
      const out = [];
      for (const driver of drivers) {
        const result = await driver.check().catch((error: unknown) => ({ ok: false, hosts: [], detail: error instanceof Error ? error.message : String(error) }));
        out.push({ device: deviceLabel(driver.device), ...result });
      }
      return out;
    },
    checkDevices() {
      const mine = drivers.map((d) => d.device);
      if (fencing.devices.length === 0) return;
      log.log('info', `fencing: ${mine.length === 0 ? `no stonith_host line for ${localNode}` : mine.map(deviceLabel).join(', ')}; timeout ${seconds(fencing.timeoutMs)}${fencing.delayMs > 0 ? `, delay ${seconds(fencing.delayMs)} when holding no group` : ''}`);
      for (const device of mine) {
        if (device.driver === 'external') {
          const found = findPlugin(device.plugin ?? '', dirs);
          if ('error' in found) log.log('error', `${deviceLabel(device)}: ${found.error}; fencing with it will fail`);
        }
      }
    },
    stop() {
      stopped = true;
      desk.abandonAll();
    },
  };
}
