// drbddisk and Filesystem for real: a loop-device ext4 that one node mounts, writes and releases
// and the other then mounts with the data there; a drbdadm stand-in that refuses a second
// Primary and refuses to demote a device still mounted; users of a busy mount killed on stop.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { realTestGate, runCommand, type LoopDevice } from '@hbd/testkit';
import { createClusterLab, waitFor, type ClusterLab } from './lab-fixture';
import { op, resourceSpec, runContract } from './helpers';

const gate = realTestGate('drbddisk and Filesystem with loop devices in mount namespaces');

(gate.enabled ? describe : describe.skip)('drbddisk and Filesystem', () => {
  let c: ClusterLab;
  let disk: LoopDevice;
  let store = '';
  let drbdState = '';
  beforeAll(async () => {
    c = await createClusterLab();
    disk = await c.lab.addLoopDevice({ sizeMiB: 64, mkfs: 'ext4' });
    store = await c.lab.tempDir('store');
    drbdState = await c.lab.tempDir('drbd');
    await runCommand(['drbdadm', 'create-md', 'r0', disk.device], { env: { ...c.envFor(c.alpha), HBD_FAKE_DRBD_DIR: drbdState } });
  }, 60_000);
  afterAll(async () => {
    if (c) expect(await c.lab.cleanup()).toEqual([]);
  }, 60_000);

  const on = (node: 'alpha' | 'beta', extra: Record<string, string> = {}) => ({
    runIn: c[node].prefix,
    env: c.envFor(c[node], { HBD_FAKE_DRBD_DIR: drbdState, HBD_DRBD_RETRY_INTERVAL_MS: '200', HBD_FS_BUSY_GRACE_S: '1', HBD_FS_KILL_GRACE_S: '2', ...extra }),
  });
  const fs = () => resourceSpec(`Filesystem::${disk.device}::${store}::ext4`);
  const mounted = async (node: 'alpha' | 'beta') => (await c[node].exec(['cat', '/proc/self/mountinfo'])).stdout.includes(` ${store} `);

  test('drbddisk passes the contract', async () => {
    expect(await runContract(resourceSpec('drbddisk::r0'), on('alpha'))).toEqual([]);
  }, 30_000);

  test('drbddisk refuses a second Primary after retrying, as the original does', async () => {
    const drbd = resourceSpec('drbddisk::r0');
    try {
      expect((await op(drbd, 'start', on('alpha'))).outcome).toBe('ok');
      const refused = await op(drbd, 'start', on('beta', { HBD_DRBD_PRIMARY_TRIES: '3' }));
      expect(refused).toMatchObject({ outcome: 'failed', exitCode: 1 });
      expect(refused.outputTail).toContain('Multiple primaries not allowed');
      expect(refused.durationMs).toBeGreaterThanOrEqual(400); // 3 attempts, 200 ms apart
      const calls = (await c.beta.exec(['cat', `${drbdState}/calls.log`])).stdout;
      expect(calls.split('\n').filter((l) => l.startsWith('beta primary r0 11'))).toHaveLength(3);
      expect((await op(drbd, 'status', on('beta'))).outcome).toBe('notRunning');
      expect((await op(drbd, 'status', on('alpha'))).outcome).toBe('ok');
    } finally {
      await op(drbd, 'stop', on('alpha'));
    }
    expect((await op(drbd, 'start', on('beta'))).outcome).toBe('ok');
    expect((await op(drbd, 'stop', on('beta'))).outcome).toBe('ok');
  }, 30_000);

  test('Filesystem passes the contract', async () => {
    expect(await runContract(fs(), on('alpha'))).toEqual([]);
  }, 30_000);

  test('data written on alpha is there when beta mounts the disk after alpha released it', async () => {
    const drbd = resourceSpec('drbddisk::r0');
    expect((await op(drbd, 'start', on('alpha'))).outcome).toBe('ok');
    expect((await op(fs(), 'start', on('alpha'))).outcome).toBe('ok');
    expect(await mounted('alpha')).toBe(true);
    expect(await mounted('beta')).toBe(false); // each node has its own mount table
    await c.alpha.exec(['sh', '-c', `echo "written by alpha" > ${store}/proof && sync`]);

    // The stand-in, like DRBD, will not demote a device that is still mounted.
    const early = await op(drbd, 'stop', on('alpha', { HBD_DRBD_SECONDARY_TRIES: '1' }));
    expect(early.outcome).toBe('failed');
    expect(early.outputTail).toContain('held open');

    expect((await op(fs(), 'stop', on('alpha'))).outcome).toBe('ok');
    expect((await op(drbd, 'stop', on('alpha'))).outcome).toBe('ok');
    expect(await mounted('alpha')).toBe(false);

    expect((await op(drbd, 'start', on('beta'))).outcome).toBe('ok');
    expect((await op(fs(), 'start', on('beta'))).outcome).toBe('ok');
    expect((await c.beta.exec(['cat', `${store}/proof`])).stdout).toBe('written by alpha\n');
    expect((await op(fs(), 'stop', on('beta'))).outcome).toBe('ok');
    expect((await op(drbd, 'stop', on('beta'))).outcome).toBe('ok');
  }, 60_000);

  test('the device may be named by label (-L, LABEL=) or UUID (-U, UUID=); a tmpfs source works too', async () => {
    const label = `hbd${process.pid}`.slice(0, 16);
    await runCommand(['e2label', disk.device, label]);
    const uuid = (await runCommand(['blkid', '-o', 'value', '-s', 'UUID', disk.device])).stdout.trim();
    for (const device of [`-L${label}`, `LABEL=${label}`, `-U${uuid}`, `UUID=${uuid}`]) {
      expect(await runContract(resourceSpec(`Filesystem::${device}::${store}::ext4`), on('alpha'))).toEqual([]);
    }
    const scratch = await c.lab.tempDir('scratch');
    expect(await runContract(resourceSpec(`Filesystem::tmpfs::${scratch}/sub::tmpfs::size=1m`), on('alpha'))).toEqual([]);
  }, 60_000);

  test('refuses a device already mounted elsewhere on this node, and a directory in use', async () => {
    const other = await c.lab.tempDir('other');
    await c.alpha.exec(['mount', disk.device, other]);
    try {
      const refused = await op(fs(), 'start', on('alpha'));
      expect(refused).toMatchObject({ outcome: 'failed', exitCode: 1 });
      expect(refused.outputTail).toContain(`is already mounted on ${other} on this node`);
      expect(await mounted('alpha')).toBe(false);
    } finally {
      await c.alpha.exec(['umount', other]);
    }
    await c.alpha.mountTmpfs(store);
    try {
      const busyDir = await op(fs(), 'start', on('alpha'));
      expect(busyDir).toMatchObject({ outcome: 'failed', exitCode: 1 });
      expect(busyDir.outputTail).toContain(`is already mounted on ${store}`);
      expect((await op(fs(), 'status', on('alpha'))).outcome).toBe('notRunning');
      expect((await op(fs(), 'stop', on('alpha'))).outcome).toBe('ok'); // not ours: left alone
      expect(await mounted('alpha')).toBe(true);
    } finally {
      await c.alpha.exec(['umount', store]);
    }
  }, 30_000);

  test('stop kills what still uses the mount after the grace period, SIGKILL for the stubborn', async () => {
    expect((await op(fs(), 'start', on('beta'))).outcome).toBe('ok');
    const polite = c.beta.spawn(['sh', '-c', `cd ${store} && exec sleep 300`]);
    const stubborn = c.beta.spawn(['sh', '-c', `cd ${store} && trap '' TERM && while :; do sleep 1; done`]);
    await waitFor(async () => (await c.beta.exec(['fuser', '-M', '-m', store], { check: false })).stdout.trim().split(/\s+/).length >= 2, 3_000);
    const stopped = await op(fs(), 'stop', on('beta'));
    expect(stopped).toMatchObject({ outcome: 'ok' });
    expect(stopped.outputTail).toMatch(/sending SIGTERM to processes using/);
    expect(stopped.outputTail).toMatch(/sending SIGKILL to processes using/);
    expect(stopped.durationMs).toBeGreaterThanOrEqual(1_000 + 2_000); // busy grace, then TERM grace
    expect(await mounted('beta')).toBe(false);
    for (const child of [polite, stubborn]) {
      expect(await waitFor(async () => child.exitCode !== null || child.signalCode !== null, 3_000)).toBe(true);
    }
  }, 30_000);
});
