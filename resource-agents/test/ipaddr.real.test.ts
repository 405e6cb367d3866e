// IPaddr and IPaddr2 for real, in network namespaces: Heartbeat's argument forms, the contract,
// the refusal of an address someone else answers for, and a VIP that moves between two nodes
// while a client's ARP table follows it from the gratuitous ARP alone (the client sends nothing).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { realTestGate } from '@hbd/testkit';
import { createClusterLab, LAN_PREFIX, neighbourMac, waitFor, type ClusterLab } from './lab-fixture';
import { op, resourceSpec, runContract } from './helpers';

const gate = realTestGate('IPaddr/IPaddr2 in network namespaces');
const VIP = `${LAN_PREFIX}.100`;

(gate.enabled ? describe : describe.skip)('IPaddr and IPaddr2', () => {
  let c: ClusterLab;
  beforeAll(async () => {
    c = await createClusterLab({ clients: 2 });
  }, 60_000);
  afterAll(async () => {
    if (c) expect(await c.lab.cleanup()).toEqual([]);
  }, 60_000);

  const on = (node: 'alpha' | 'beta', extra: Record<string, string> = {}) => ({
    runIn: c[node].prefix,
    env: c.envFor(c[node], { ...c.fastArp, ...extra }),
  });
  const addresses = async (node: 'alpha' | 'beta') => (await c[node].exec(['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])).stdout;

  test.each([
    ['IPaddr', `${LAN_PREFIX}.101/24/eth0:3`],
    ['IPaddr2', `${LAN_PREFIX}.104/255.255.255.0/${LAN_PREFIX}.255`],
  ])('%s::%s passes the contract', async (agent, arg) => {
    expect(await runContract(resourceSpec(`${agent}::${arg}`), on('alpha'))).toEqual([]);
  }, 60_000);

  test('interface, prefix and alias label come from the routing table when not given', async () => {
    const ipaddr = resourceSpec(`IPaddr::${LAN_PREFIX}.111`);
    const ipaddr2 = resourceSpec(`IPaddr2::${LAN_PREFIX}.112`);
    const labelled = resourceSpec(`IPaddr2::${LAN_PREFIX}.113/25/eth0:web`);
    try {
      const started = await Promise.all([ipaddr, ipaddr2, labelled].map((r) => op(r, 'start', on('alpha'))));
      expect(started.map((r) => r.outcome)).toEqual(['ok', 'ok', 'ok']);
      const lines = (await addresses('alpha')).split('\n');
      const line = (ip: string) => lines.find((l) => l.includes(` ${ip}/`)) ?? '';
      expect(line(`${LAN_PREFIX}.111`)).toMatch(/inet 10\.213\.0\.111\/24 brd 10\.213\.0\.255 .*eth0:0\\/); // IPaddr: alias label
      expect(line(`${LAN_PREFIX}.112`)).toMatch(/inet 10\.213\.0\.112\/24 .*global secondary eth0\\/); // IPaddr2: none
      expect(line(`${LAN_PREFIX}.113`)).toMatch(/inet 10\.213\.0\.113\/25 .*eth0:web\\/);
    } finally {
      await Promise.all([ipaddr, ipaddr2, labelled].map((r) => op(r, 'stop', on('alpha'))));
    }
    expect(await addresses('alpha')).not.toMatch(/\.11[123]\//);
  }, 60_000);

  test('bad arguments are configuration errors, and stop of an invalid address succeeds', async () => {
    const bad = resourceSpec('IPaddr2::10.213.0.300/24/eth0');
    expect(await op(bad, 'start', on('alpha'))).toMatchObject({ outcome: 'failed', exitCode: 6 });
    expect((await op(bad, 'stop', on('alpha'))).outcome).toBe('ok');
    const noSuchNic = await op(resourceSpec(`IPaddr2::${LAN_PREFIX}.120/24/eth9`), 'start', on('alpha'));
    expect(noSuchNic).toMatchObject({ outcome: 'failed', exitCode: 6 });
    expect(noSuchNic.outputTail).toContain('interface eth9 does not exist');
    const offLink = await op(resourceSpec('IPaddr2::10.214.0.5'), 'start', on('alpha'));
    expect(offLink).toMatchObject({ outcome: 'failed', exitCode: 6 });
  }, 30_000);

  test('refuses an address another node already answers for (arping -D), unless forced', async () => {
    const vip = resourceSpec(`IPaddr2::${LAN_PREFIX}.130/24/eth0`);
    try {
      expect((await op(vip, 'start', on('alpha'))).outcome).toBe('ok');
      const refused = await op(vip, 'start', on('beta'));
      expect(refused).toMatchObject({ outcome: 'failed', exitCode: 1 });
      expect(refused.outputTail).toContain(`is already in use by ${(await c.alpha.mac('eth0')).toUpperCase()}`);
      expect(await addresses('beta')).not.toContain(`${LAN_PREFIX}.130/`);
      expect((await op(vip, 'start', on('beta', { HBD_IPADDR_FORCE: 'yes' }))).outcome).toBe('ok');
      expect(await addresses('beta')).toContain(`${LAN_PREFIX}.130/`);
    } finally {
      await op(vip, 'stop', on('alpha'));
      await op(vip, 'stop', on('beta'));
    }
  }, 60_000);

  test('the VIP moves from alpha to beta and the LAN learns the new MAC from gratuitous ARP alone', async () => {
    const [client1, client2] = c.clients as [typeof c.alpha, typeof c.alpha];
    const vip = resourceSpec(`IPaddr::${VIP}/24/eth0:0`);
    const alphaMac = await c.alpha.mac('eth0');
    const betaMac = await c.beta.mac('eth0');
    // client2 accepts new neighbour entries from gratuitous ARP; client1 (the default) only updates.
    await client2.exec(['sysctl', '-q', '-w', 'net.ipv4.conf.eth0.arp_accept=1']);
    try {
      expect((await op(vip, 'start', on('alpha'))).outcome).toBe('ok');
      // client1 talks to the VIP on alpha: its ARP entry now says alpha.
      await client1.exec(['ping', '-n', '-c', '1', '-W', '2', VIP]);
      expect(await neighbourMac(client1, VIP)).toBe(alphaMac);

      const stopped = await op(vip, 'stop', on('alpha'));
      expect(stopped.outcome).toBe('ok');
      await client2.exec(['ip', 'neigh', 'flush', 'dev', 'eth0']);
      const started = await op(vip, 'start', on('beta'));
      expect(started.outcome).toBe('ok');
      expect(started.outputTail).toContain('sent 3 gratuitous ARP (both)');

      // Nobody on the clients sent a packet to the VIP since: only beta's announcements changed this.
      expect(await waitFor(async () => (await neighbourMac(client1, VIP)) === betaMac, 3_000)).toBe(true);
      expect(await waitFor(async () => (await neighbourMac(client2, VIP)) === betaMac, 3_000)).toBe(true);

      // The delayed second burst: forget the VIP on client2 again; it comes back without traffic.
      await client2.exec(['ip', 'neigh', 'flush', 'dev', 'eth0']);
      expect(await neighbourMac(client2, VIP)).toBeNull();
      expect(await waitFor(async () => (await neighbourMac(client2, VIP)) === betaMac, 5_000)).toBe(true);

      // And the VIP really answers from beta.
      await client1.exec(['ping', '-n', '-c', '1', '-W', '2', VIP]);
    } finally {
      await op(vip, 'stop', on('alpha'));
      await op(vip, 'stop', on('beta'));
    }
  }, 60_000);

  test('stop cancels a pending second burst', async () => {
    const vip = resourceSpec(`IPaddr2::${LAN_PREFIX}.140/24/eth0`);
    const slow = on('alpha', { HBD_IPADDR_ARP_REPEAT_DELAY_MS: '30000' });
    expect((await op(vip, 'start', slow)).outcome).toBe('ok');
    const pidFile = `${c.runDir}/rsc/IPaddr2-${LAN_PREFIX}.140.garp.pid`;
    const pid = Number((await c.alpha.exec(['cat', pidFile])).stdout.trim());
    expect(pid).toBeGreaterThan(1);
    expect(await c.alpha.pids()).toContain(pid);
    expect((await op(vip, 'stop', slow)).outcome).toBe('ok');
    expect(await waitFor(async () => !(await c.alpha.pids()).includes(pid), 3_000)).toBe(true);
    expect((await c.alpha.exec(['test', '-e', pidFile], { check: false })).code).not.toBe(0);
  }, 30_000);
});
