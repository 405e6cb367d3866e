// The "done when": the seed's full haresources group
//   alpha IPaddr::10.213.0.100/25/eth0:0 drbddisk::r0 Filesystem::<loop>::<dir>::ext4 mysqld nginx
// starts in order on one namespace node, stops in reverse, starts on the other, and the web page
// and the database row written before the failover are there. Between the two, beta tries to
// take the group while alpha still holds it and is stopped twice: by the duplicate-address check,
// and (with that check forced off) by DRBD's single Primary — each time the group is released.
//
// The order is driven by runGroupSequentially, the test/lab stand-in for the engine.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import type { ResourceSpec } from '@hbd/config';
import { runGroupSequentially, type GroupRunReport } from '@hbd/executor';
import { realTestGate, runCommand, type LabNode, type LoopDevice } from '@hbd/testkit';
import { createClusterLab, LAN_PREFIX, neighbourMac, type ClusterLab } from './lab-fixture';
import { op, resourceSpec } from './helpers';
import { httpGet, installDb, openUp, prepareNginxState, sql, writeMyCnf, writeNginxConf } from './services-fixture';

const gate = realTestGate('seed resource group (IPaddr drbddisk Filesystem mysqld nginx) failover');
const VIP = `${LAN_PREFIX}.100`;
const PAGE = 'served from the shared store\n';

(gate.enabled ? describe : describe.skip)('the seed group fails over from alpha to beta', () => {
  let c: ClusterLab;
  let disk: LoopDevice;
  let store = '';
  let drbdState = '';
  let socket = '';
  let agentEnv: Record<string, string> = {};
  let group: ResourceSpec[] = [];
  const client = (): LabNode => c.clients[0] as LabNode;

  beforeAll(async () => {
    c = await createClusterLab({ clients: 1 });
    disk = await c.lab.addLoopDevice({ sizeMiB: 256, mkfs: 'ext4' });
    store = await c.lab.tempDir('store');
    drbdState = await c.lab.tempDir('drbd');
    const etc = await c.lab.tempDir('etc');
    await openUp(etc);
    const conf = await writeNginxConf(etc, { listen: `${VIP}:80`, root: join(store, 'www'), runDir: c.runDir });
    const my = await writeMyCnf(etc, { datadir: join(store, 'mysql'), runDir: c.runDir });
    socket = my.socket;
    agentEnv = { ...c.fastArp, HBD_FAKE_DRBD_DIR: drbdState, HBD_MYSQLD_CNF: my.cnf, HBD_NGINX_CONF: conf };
    await runCommand(['drbdadm', 'create-md', 'r0', disk.device], { env: { ...c.envFor(c.alpha), HBD_FAKE_DRBD_DIR: drbdState } });
    for (const node of [c.alpha, c.beta]) await prepareNginxState(node, c.runDir);

    // What the admin did once on the primary before handing the disk to the cluster.
    await c.alpha.exec(['mount', disk.device, store]);
    try {
      await c.alpha.exec(['mkdir', '-p', join(store, 'www')]);
      await c.alpha.exec(['sh', '-c', 'printf "%s" "$1" > "$2"', 'sh', PAGE, join(store, 'www', 'index.html')]);
      await c.alpha.exec(['chmod', '-R', 'a+rX', join(store, 'www')]);
      await installDb(c.alpha, my.cnf, join(store, 'mysql'));
    } finally {
      await c.alpha.exec(['umount', store]);
    }

    group = [`IPaddr::${VIP}/25/eth0:0`, 'drbddisk::r0', `Filesystem::${disk.device}::${store}::ext4`, 'mysqld', 'nginx'].map((t) => resourceSpec(t));
  }, 120_000);

  afterAll(async () => {
    if (!c) return;
    // Release whatever a failed assertion left running, then tear the lab down.
    for (const node of [c.beta, c.alpha]) await runGroupSequentially({ resources: group, action: 'stop', stopRetriesMax: 2, stopRetryDelayMs: 500, common: on(node) });
    expect(await c.lab.cleanup()).toEqual([]);
  }, 120_000);

  const on = (node: LabNode, extra: Record<string, string> = {}) => ({ runIn: node.prefix, env: c.envFor(node, { ...agentEnv, ...extra }) });
  const run = (node: LabNode, action: 'start' | 'stop', extra: Record<string, string> = {}): Promise<GroupRunReport> =>
    runGroupSequentially({ resources: group, action, stopRetriesMax: 3, stopRetryDelayMs: 500, common: on(node, extra) });
  const sequence = (report: GroupRunReport, action: string) => report.steps.filter((s) => s.action === action).map((s) => `${s.token} ${s.result.outcome}`);
  const holdsNothing = async (node: LabNode) => {
    for (const r of group) expect(`${r.token} ${(await op(r, 'status', on(node))).outcome}`).toBe(`${r.token} notRunning`);
    expect(await node.pids()).toEqual([node.mountHolderPid]); // no nginx, no mysqld, no ARP job left
  };

  test('starts left to right on alpha; the page is served on the VIP and a row is written', async () => {
    const report = await run(c.alpha, 'start');
    expect(sequence(report, 'start')).toEqual(group.map((r) => `${r.token} ok`));
    expect(report.ok).toBe(true);
    expect(await httpGet(client(), `http://${VIP}/`)).toEqual({ status: 200, body: PAGE });
    await sql(c.alpha, socket, "CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY, note TEXT) ENGINE=InnoDB; INSERT INTO shop.orders VALUES (1, 'written on alpha before the failover')");
    expect(await neighbourMac(client(), VIP)).toBe(await c.alpha.mac('eth0'));
  }, 120_000);

  test('beta cannot take the group while alpha holds it: the address check refuses, the group is released', async () => {
    const report = await run(c.beta, 'start');
    expect(report).toMatchObject({ ok: false, failedStart: group[0]?.token, unclean: [] });
    expect(sequence(report, 'stop')).toEqual([...group].reverse().map((r) => `${r.token} ok`));
    await holdsNothing(c.beta);
    expect(await httpGet(client(), `http://${VIP}/`)).toEqual({ status: 200, body: PAGE });
  }, 120_000);

  test('with the address check forced off, DRBD refuses the second Primary and beta rolls back', async () => {
    // No announcements from beta, so the LAN keeps sending to alpha meanwhile.
    const report = await run(c.beta, 'start', { HBD_IPADDR_FORCE: 'yes', HBD_IPADDR_ARP_COUNT: '0', HBD_DRBD_PRIMARY_TRIES: '2', HBD_DRBD_RETRY_INTERVAL_MS: '200' });
    expect(report).toMatchObject({ ok: false, failedStart: 'drbddisk::r0', unclean: [] });
    expect(sequence(report, 'start')).toEqual([`${group[0]?.token} ok`, 'drbddisk::r0 failed']);
    await holdsNothing(c.beta);
    expect(await httpGet(client(), `http://${VIP}/`)).toEqual({ status: 200, body: PAGE });
  }, 120_000);

  test('stops right to left on alpha and leaves nothing behind', async () => {
    const report = await run(c.alpha, 'stop');
    expect(report.ok).toBe(true);
    expect(sequence(report, 'stop')).toEqual([...group].reverse().map((r) => `${r.token} ok`));
    await holdsNothing(c.alpha);
    await expect(httpGet(client(), `http://${VIP}/`)).rejects.toThrow();
  }, 120_000);

  test('starts on beta: same page on the VIP, the row written on alpha is there', async () => {
    const report = await run(c.beta, 'start');
    expect(sequence(report, 'start')).toEqual(group.map((r) => `${r.token} ok`));
    expect(await httpGet(client(), `http://${VIP}/`)).toEqual({ status: 200, body: PAGE });
    expect(await neighbourMac(client(), VIP)).toBe(await c.beta.mac('eth0'));
    const nginxPid = Number((await c.beta.exec(['cat', `${c.runDir}/nginx/nginx.pid`])).stdout);
    expect(await c.beta.pids()).toContain(nginxPid);
    expect(await c.alpha.pids()).not.toContain(nginxPid);
    expect(await sql(c.beta, socket, 'SELECT note FROM shop.orders WHERE id = 1')).toBe('written on alpha before the failover');
    const stopped = await run(c.beta, 'stop');
    expect(stopped.ok).toBe(true);
    await holdsNothing(c.beta);
  }, 120_000);
});
