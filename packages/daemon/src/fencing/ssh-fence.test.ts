// The ssh device against an SSH server on loopback (ssh2's own Server): the boot id read before
// the order, the reboot command, and the proof afterwards (gone, or a new boot id) — or not.
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHaCf } from '@hbd/config';
import { createSshDriver, SSH_RESET_COMMAND } from './ssh-fence';

interface Exec {
  write(data: string): void;
  exit(code: number): void;
  end(): void;
}
interface ServerConnection {
  on(event: 'authentication', listener: (ctx: { method: string; username: string; accept(): void; reject(): void }) => void): this;
  on(event: 'ready', listener: () => void): this;
  on(event: 'session', listener: (accept: () => { on(event: 'exec', listener: (accept: () => Exec, reject: () => void, info: { command: string }) => void): void }) => void): this;
  on(event: 'error', listener: () => void): this;
  end(): void;
}
interface Ssh2Server {
  listen(port: number, host: string, callback: () => void): void;
  address(): AddressInfo;
  close(): void;
}
const ssh2 = createRequire(__filename)('ssh2') as {
  Server: new (config: { hostKeys: string[] }, onClient: (client: ServerConnection) => void) => Ssh2Server;
  utils: { generateKeyPairSync(type: 'ed25519'): { private: string; public: string } };
};

const dir = mkdtempSync(join(tmpdir(), `hbd-ssh-fence-${process.pid}-`));
const clientKey = join(dir, 'id_ed25519');
writeFileSync(clientKey, ssh2.utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
const hostKey = ssh2.utils.generateKeyPairSync('ed25519').private;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A machine that answers SSH; `onReset` says what the reboot command does to it. */
function machine(onReset: 'dies' | 'reboots' | 'ignores'): Promise<{ port: number; commands: string[]; stop(): void }> {
  let bootId = 'aaaa-1';
  const commands: string[] = [];
  const clients: ServerConnection[] = [];
  let alive = true;
  const server = new ssh2.Server({ hostKeys: [hostKey] }, (client) => {
    clients.push(client);
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => (ctx.method === 'publickey' && ctx.username === 'root' ? ctx.accept() : ctx.reject()));
    client.on('session', (accept) => {
      accept().on('exec', (acceptExec, _reject, info) => {
        commands.push(info.command);
        const stream = acceptExec();
        if (info.command.includes('boot_id')) stream.write(`${bootId}\n`);
        stream.exit(0);
        stream.end();
        if (info.command === SSH_RESET_COMMAND) {
          if (onReset === 'reboots') bootId = 'bbbb-2';
          if (onReset === 'dies') setTimeout(stop, 100);
        }
      });
    });
  });
  function stop(): void {
    if (!alive) return;
    alive = false;
    server.close();
    for (const client of clients) client.end();
  }
  servers.push(stop);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, commands, stop })));
}
const servers: (() => void)[] = [];
afterEach(() => servers.splice(0).forEach((stop) => stop()));

const device = parseHaCf('stonith_host * ssh beta').settings.stonithDevices[0]!;
const driver = (port: number, timeoutMs = 3000, keyPaths = [clientKey]) => createSshDriver(device, timeoutMs, { port, keyPaths, pollMs: 100, address: () => '127.0.0.1' });

describe('ssh fencing', () => {
  test('only the nodes of its host list', async () => {
    await expect(driver(1).canFence('beta')).resolves.toMatchObject({ ok: true });
    await expect(driver(1).canFence('gamma')).resolves.toEqual({ ok: false, why: 'hosts: beta' });
  });

  test('the node stops answering after the order: fenced', async () => {
    const m = await machine('dies');
    const outcome = await driver(m.port).reset('beta');
    expect(outcome).toEqual({ ok: true, detail: expect.stringMatching(/^the reboot was ordered over SSH and beta stopped answering [\d.]+ m?s later$/) });
    expect(m.commands).toEqual(['cat /proc/sys/kernel/random/boot_id', SSH_RESET_COMMAND]);
  });

  test('the node is back with a new boot id: fenced', async () => {
    const m = await machine('reboots');
    await expect(driver(m.port).reset('beta')).resolves.toEqual({ ok: true, detail: expect.stringMatching(/^beta rebooted \(new boot id\)/) });
  });

  test('the order had no effect (same boot id until the timeout): NOT fenced', async () => {
    const m = await machine('ignores');
    const outcome = await driver(m.port, 1500).reset('beta');
    expect(outcome).toEqual({ ok: false, detail: 'the reboot was ordered over SSH but beta still answers with the same boot id after 1.5 s' });
  });

  test('unreachable: NOT fenced, and the log says why ssh fencing is for labs', async () => {
    const m = await machine('ignores');
    m.stop();
    const outcome = await driver(m.port).reset('beta');
    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(/^cannot reach beta over SSH \(.+\): ssh fencing cannot fence a node it cannot reach; use a power switch or IPMI/);
  });

  test('check: logs in without rebooting anything; an unreachable host is named', async () => {
    const m = await machine('dies');
    await expect(driver(m.port).check()).resolves.toEqual({ ok: true, hosts: ['beta'], detail: expect.stringContaining('root login works on beta') });
    expect(m.commands).toEqual(['cat /proc/sys/kernel/random/boot_id']);
    m.stop();
    await expect(driver(m.port).check()).resolves.toMatchObject({ ok: false, detail: expect.stringMatching(/^cannot log in: beta: /) });
  });

  test('no key: NOT fenced', async () => {
    await expect(driver(1, 1000, [join(dir, 'none')]).reset('beta')).resolves.toEqual({ ok: false, detail: `no SSH key for root login (looked for ${join(dir, 'none')})` });
  });
});
