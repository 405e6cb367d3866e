// `stonith_host * ssh node1 node2` (and external/ssh): hbd logs in to the victim as root over SSH
// (ssh2, key-based: ~/.ssh/id_ed25519, id_ecdsa or id_rsa of the user hbd runs as) and makes it
// reboot at once (sysrq "b", else reboot -nf). As in Heartbeat, this cannot fence a node that is
// unreachable, hung or cut off — precisely the nodes fencing is for — so it is for labs and tests.
// Proof: the node's boot id is read before the order; afterwards the node must stop answering
// SSH, or answer with a new boot id, within stonith_timeout. "Ordered" alone is not "fenced".

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { StonithDevice } from '@hbd/config';
import { seconds } from '../format';
import type { DeviceDriver, DeviceOutcome } from './stonith-fencer';
import { SshClientClass, type SshClient } from './ssh2-types';

/** Detached, so the SSH session ends before the machine goes. */
export const SSH_RESET_COMMAND =
  "nohup sh -c 'sleep 1; echo 1 > /proc/sys/kernel/sysrq; echo b > /proc/sysrq-trigger; reboot -nf' >/dev/null 2>&1 &";
const BOOT_ID_COMMAND = 'cat /proc/sys/kernel/random/boot_id';

export interface SshFenceOptions {
  readonly keyPaths?: readonly string[];
  readonly port?: number;
  /** How often the victim is looked at after the order. */
  readonly pollMs?: number;
  /** The address to log in to for a node (default: the node name, resolved by the system). */
  readonly address?: (node: string) => string;
}

export function defaultKeyPaths(): string[] {
  const dir = join(homedir(), '.ssh');
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => join(dir, name));
}

function readKey(paths: readonly string[]): Buffer | null {
  for (const path of paths) {
    try {
      return readFileSync(path);
    } catch {
      // next
    }
  }
  return null;
}

function connect(host: string, port: number, privateKey: Buffer, timeoutMs: number): Promise<SshClient> {
  return new Promise((resolve, reject) => {
    const client = new SshClientClass();
    client.once('ready', () => resolve(client));
    client.once('error', (error: Error) => {
      client.destroy();
      reject(error);
    });
    client.connect({ host, port, username: 'root', privateKey, readyTimeout: Math.max(500, Math.round(timeoutMs)) });
  });
}

function run(client: SshClient, command: string, timeoutMs: number): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`"${command}" did not finish within ${seconds(timeoutMs)}`)), timeoutMs);
    client.exec(command, (error, channel) => {
      if (error !== undefined) {
        clearTimeout(timer);
        reject(error);
        return;
      }
      let stdout = '';
      channel.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      channel.stderr.on('data', () => undefined);
      channel.on('close', (code: number | null) => {
        clearTimeout(timer);
        resolve({ code, stdout });
      });
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createSshDriver(device: StonithDevice, timeoutMs: number, options: SshFenceOptions = {}): DeviceDriver {
  const hosts = device.hosts ?? [];
  const port = options.port ?? 22;
  const pollMs = options.pollMs ?? 1000;
  return {
    device,
    canFence: (node) => Promise.resolve({ ok: hosts.includes(node), why: `hosts: ${hosts.join(' ')}` }),
    async check() {
      const keyPaths = options.keyPaths ?? defaultKeyPaths();
      const key = readKey(keyPaths);
      if (key === null) return { ok: false, hosts, detail: `no SSH key for root login (looked for ${keyPaths.join(', ')})` };
      const problems: string[] = [];
      for (const node of hosts) {
        try {
          const client = await connect(options.address?.(node) ?? node, port, key, Math.min(10_000, timeoutMs));
          try {
            await run(client, BOOT_ID_COMMAND, 5000);
          } finally {
            client.end();
          }
        } catch (error) {
          problems.push(`${node}: ${(error as Error).message}`);
        }
      }
      return problems.length === 0
        ? { ok: true, hosts, detail: `root login works on ${hosts.join(', ')} (labs only: a node that cannot be reached cannot be fenced this way)` }
        : { ok: false, hosts, detail: `cannot log in: ${problems.join('; ')}` };
    },
    async reset(node): Promise<DeviceOutcome> {
      const keyPaths = options.keyPaths ?? defaultKeyPaths();
      const key = readKey(keyPaths);
      if (key === null) return { ok: false, detail: `no SSH key for root login (looked for ${keyPaths.join(', ')})` };
      const host = options.address?.(node) ?? node;
      const startedAt = performance.now();
      const left = (): number => timeoutMs - (performance.now() - startedAt);
      let bootId: string;
      try {
        const client = await connect(host, port, key, Math.min(10_000, left()));
        try {
          bootId = (await run(client, BOOT_ID_COMMAND, Math.min(5000, left()))).stdout.trim();
          const ordered = await run(client, SSH_RESET_COMMAND, Math.min(5000, left()));
          if (ordered.code !== 0) return { ok: false, detail: `the reboot command failed on ${node} (exit ${String(ordered.code)})` };
        } finally {
          client.end();
        }
      } catch (error) {
        return {
          ok: false,
          detail: `cannot reach ${node} over SSH (${(error as Error).message}): ssh fencing cannot fence a node it cannot reach; use a power switch or IPMI (external/ipmi) in production`,
        };
      }
      // Ordered. Now the proof: gone, or back with a new boot id.
      while (left() > 0) {
        await sleep(Math.min(pollMs, Math.max(0, left())));
        let client: SshClient;
        try {
          client = await connect(host, port, key, Math.min(2000, Math.max(500, left())));
        } catch {
          return { ok: true, detail: `the reboot was ordered over SSH and ${node} stopped answering ${seconds(performance.now() - startedAt)} later` };
        }
        try {
          const now = (await run(client, BOOT_ID_COMMAND, 2000)).stdout.trim();
          if (now !== '' && now !== bootId) return { ok: true, detail: `${node} rebooted (new boot id) ${seconds(performance.now() - startedAt)} after the order` };
        } catch {
          // the session died under us: the machine is going; look again
        } finally {
          client.destroy();
        }
      }
      return { ok: false, detail: `the reboot was ordered over SSH but ${node} still answers with the same boot id after ${seconds(timeoutMs)}` };
    },
  };
}
