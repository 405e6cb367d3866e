// Heartbeat compatibility: Debian's own /etc/ha.d/resource.d scripts (from the heartbeat package,
// wrapping the OCF agents of resource-agents) run unchanged under the executor as kind
// 'heartbeat': arguments then the operation, status judged by their output ("Running OK" /
// "Resource is stopped"), exactly as Heartbeat's ResourceManager calls them.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { realTestGate, type LoopDevice } from '@hbd/testkit';
import { AGENT_PATH } from '@hbd/executor';
import { createClusterLab, LAN_PREFIX, neighbourMac, waitFor, type ClusterLab } from './lab-fixture';
import { op, resourceSpec, runContract } from './helpers';

const gate = realTestGate("Debian's heartbeat resource.d scripts under the executor");
const RESOURCE_D = '/etc/ha.d/resource.d';
const hasIfconfig = ['/usr/sbin/ifconfig', '/sbin/ifconfig'].some((p) => existsSync(p));
if (gate.enabled && !hasIfconfig) console.warn("\n*** SKIPPED: Debian's IPaddr needs ifconfig (net-tools), not installed here ***\n");

(gate.enabled ? describe : describe.skip)("Debian's resource.d scripts, unchanged", () => {
  let c: ClusterLab;
  let disk: LoopDevice;
  let store = '';
  beforeAll(async () => {
    for (const script of ['IPaddr2', 'Filesystem', 'IPaddr']) {
      if (!existsSync(`${RESOURCE_D}/${script}`)) throw new Error(`${RESOURCE_D}/${script} missing: install Debian's heartbeat package`);
    }
    c = await createClusterLab({ clients: 1 });
    disk = await c.lab.addLoopDevice({ sizeMiB: 32, mkfs: 'ext4' });
    store = await c.lab.tempDir('store');
  }, 60_000);
  afterAll(async () => {
    if (c) expect(await c.lab.cleanup()).toEqual([]);
  }, 60_000);

  // Heartbeat's own environment for resource scripts; its agents keep state in HA_RSCTMP.
  const on = (node: 'alpha' | 'beta') => ({ runIn: c[node].prefix, env: c.envFor(c[node], { PATH: AGENT_PATH }) });
  const debian = (token: string) => resourceSpec(token, { kind: 'heartbeat', dir: RESOURCE_D });

  test('IPaddr2::IP/bits/iface passes the contract, judged by its output', async () => {
    const vip = debian(`IPaddr2::${LAN_PREFIX}.150/24/eth0`);
    expect(await runContract(vip, on('alpha'))).toEqual([]);
    const status = await op(vip, 'status', on('alpha'));
    expect(status.reason).toContain('ignored as Heartbeat does');
  }, 60_000);

  test("the VIP moves between nodes with Debian's IPaddr2 and its send_arp announcement", async () => {
    const vip = debian(`IPaddr2::${LAN_PREFIX}.151/24/eth0`);
    const client = c.clients[0]!;
    try {
      expect((await op(vip, 'start', on('alpha'))).outcome).toBe('ok');
      await client.exec(['ping', '-n', '-c', '1', '-W', '2', `${LAN_PREFIX}.151`]);
      expect(await neighbourMac(client, `${LAN_PREFIX}.151`)).toBe(await c.alpha.mac('eth0'));
      expect((await op(vip, 'stop', on('alpha'))).outcome).toBe('ok');
      expect((await op(vip, 'start', on('beta'))).outcome).toBe('ok');
      const betaMac = await c.beta.mac('eth0');
      expect(await waitFor(async () => (await neighbourMac(client, `${LAN_PREFIX}.151`)) === betaMac, 5_000)).toBe(true);
    } finally {
      await op(vip, 'stop', on('alpha'));
      await op(vip, 'stop', on('beta'));
    }
  }, 60_000);

  test('Filesystem::device::directory::fstype passes the contract, and the data moves with the disk', async () => {
    const fs = debian(`Filesystem::${disk.device}::${store}::ext4`);
    expect(await runContract(fs, on('alpha'))).toEqual([]);
    expect((await op(fs, 'start', on('alpha'))).outcome).toBe('ok');
    await c.alpha.exec(['sh', '-c', `echo debian > ${store}/proof && sync`]);
    expect((await op(fs, 'stop', on('alpha'))).outcome).toBe('ok');
    expect((await op(fs, 'start', on('beta'))).outcome).toBe('ok');
    expect((await c.beta.exec(['cat', `${store}/proof`])).stdout).toBe('debian\n');
    expect((await op(fs, 'stop', on('beta'))).outcome).toBe('ok');
  }, 60_000);

  (hasIfconfig ? test : test.skip)('IPaddr::IP/bits/iface (ifconfig aliases) passes the contract', async () => {
    expect(await runContract(debian(`IPaddr::${LAN_PREFIX}.152/24/eth0`), on('alpha'))).toEqual([]);
  }, 60_000);
});
