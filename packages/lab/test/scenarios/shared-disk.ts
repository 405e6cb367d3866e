// Shared storage for the lab's nodes: one ext4 image, seen by every node through a loop device of
// its own — as two hosts see one SAN LUN: separate block devices (separate caches) over the same
// blocks. Mounting it on two nodes at once would be two independent ext4 instances writing one
// disk, i.e. corruption; that is what the scenarios must show never happens.
//
// Every node gets the same device path (haresources is identical everywhere): a private tmpfs on
// /dev/shm in the node's mount namespace holding a symlink to the node's own loop device. The
// Filesystem agent resolves the link to the block device.
//
// Loop devices and the image belong to a testkit lab of their own (its cleanup registry detaches
// and removes them), cleaned up after the cluster lab (whose namespaces hold the mounts).

import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterLab } from '../../src';
import { createNetLab, runCommand, type CommandResult, type NetLab } from '@hbd/testkit';

/** The device path in every node's haresources line. */
export const SHARED_DISK_LINK = '/dev/shm/hbdlab-disk';

export interface NodeDisk {
  readonly node: string;
  readonly device: string;
  /** "major:minor", as /proc/PID/mountinfo shows it. */
  readonly majmin: string;
}

export interface SharedDisk {
  readonly image: string;
  readonly perNode: readonly NodeDisk[];
  /** Every node's device number: a mount of any of them is a mount of the shared disk. */
  readonly devices: ReadonlySet<string>;
  /** e2fsck -fn of the image (nothing may have it mounted). */
  fsck(): Promise<CommandResult>;
  /** The counter value stored on the disk, read with debugfs (nothing may have it mounted). */
  storedCounter(): Promise<number | null>;
  /** Detach the loop devices and remove the image (after the cluster lab's cleanup). Never throws. */
  cleanup(): Promise<string[]>;
}

async function detach(device: string, image: string): Promise<void> {
  for (let i = 0; i < 40; i += 1) {
    // The backing file tells us the device is still ours (a freed number may have been reused).
    const info = await runCommand(['losetup', '--noheadings', '--output', 'BACK-FILE', device], { check: false });
    if (info.code !== 0 || !info.stdout.includes(image)) return;
    const result = await runCommand(['losetup', '-d', device], { check: false });
    if (result.code === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${device} (${image}) is still busy after 10 s`);
}

export async function createSharedDisk(lab: ClusterLab, options: { readonly sizeMiB?: number } = {}): Promise<SharedDisk> {
  const store: NetLab = await createNetLab();
  const perNode: NodeDisk[] = [];
  try {
    const dir = await store.tempDir('disk');
    const image = join(dir, 'shared.img');
    await writeFile(image, '');
    await truncate(image, (options.sizeMiB ?? 32) * 1024 * 1024);
    await runCommand(['mkfs.ext4', '-q', '-F', '-L', 'hbdlab', image], { timeoutMs: 60_000 });
    for (const node of lab.nodes) {
      const device = (await runCommand(['losetup', '--find', '--show', image])).stdout.trim();
      store.onCleanup(`detach ${device}`, () => detach(device, image));
      const majmin = (await readFile(`/sys/class/block/${device.replace(/^\/dev\//, '')}/dev`, 'utf8')).trim();
      await node.exec(['mount', '-t', 'tmpfs', '-o', 'mode=1777,size=1m', `hbdlab-shm-${node.name}`, '/dev/shm']);
      await node.exec(['ln', '-s', device, SHARED_DISK_LINK]);
      perNode.push({ node: node.name, device, majmin });
    }
    return {
      image,
      perNode,
      devices: new Set(perNode.map((d) => d.majmin)),
      fsck: () => runCommand(['e2fsck', '-f', '-n', image], { check: false, timeoutMs: 60_000 }),
      async storedCounter() {
        const result = await runCommand(['debugfs', '-R', 'cat /counter', image], { check: false, timeoutMs: 30_000 });
        const text = result.stdout.trim();
        return /^\d+$/.test(text) ? Number(text) : null;
      },
      cleanup: () => store.cleanup(),
    };
  } catch (err) {
    await store.cleanup();
    throw err;
  }
}
