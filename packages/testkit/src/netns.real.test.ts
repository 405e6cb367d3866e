// The lab itself: nodes can talk over a switch, mount namespaces are private, and cleanup leaves
// nothing behind — not even after processes, mounts and loop devices were left running.
import { describe, expect, test } from '@jest/globals';
import { readFile, stat } from 'node:fs/promises';
import { createNetLab } from './netns';
import { realTestGate } from './real-test-gate';
import { runCommand } from './run-command';

const gate = realTestGate('network-namespace lab');

(gate.enabled ? describe : describe.skip)('createNetLab', () => {
  test('two nodes on a switch reach each other; everything is gone after cleanup', async () => {
    const lab = await createNetLab();
    let problems: string[] = [];
    try {
      const sw = await lab.addSwitch('lan');
      const a = await lab.addNode('a');
      const b = await lab.addNode('b', { mountNamespace: false });
      const la = await lab.link(a, sw, { ifname: 'eth0', addresses: ['10.213.250.1/24'] });
      await lab.link(b, sw, { ifname: 'eth0', addresses: ['10.213.250.2/24'] });
      expect(la.mac).toMatch(/^[0-9a-f:]{17}$/);
      expect(a.prefix).toEqual(['nsenter', `--net=/run/netns/${a.netns}`, `--mount=/proc/${a.mountHolderPid}/ns/mnt`, '--']);
      const ping = await b.exec(['ping', '-n', '-c', '1', '-W', '2', '10.213.250.1']);
      expect(ping.stdout).toContain('1 received');

      // A mount inside node a is invisible to the host, and survives between commands.
      const dir = await lab.tempDir('mnt');
      await a.mountTmpfs(dir);
      await a.exec(['sh', '-c', `echo inside > ${dir}/f`]);
      expect((await a.exec(['cat', `${dir}/f`])).stdout).toBe('inside\n');
      await expect(stat(`${dir}/f`)).rejects.toThrow();
      await expect(b.mountTmpfs(dir)).rejects.toThrow(/no mount namespace/);

      // Leave things running: a process, a mounted loop device.
      const sleeper = a.spawn(['sleep', '300']);
      const loop = await lab.addLoopDevice({ sizeMiB: 16, mkfs: 'ext4' });
      const mnt = await lab.tempDir('loopmnt');
      await a.exec(['mount', loop.device, mnt]);
      expect((await a.pids()).length).toBeGreaterThanOrEqual(2); // holder + sleeper
      problems = await lab.cleanup();
      expect(sleeper.exitCode !== null || sleeper.signalCode !== null).toBe(true);
      const netns = (await runCommand(['ip', 'netns', 'list'])).stdout;
      expect(netns).not.toContain(lab.id);
      const loops = (await runCommand(['losetup', '--list', '--noheadings', '--output', 'BACK-FILE'])).stdout;
      expect(loops).not.toContain(loop.image);
      await expect(stat(mnt)).rejects.toThrow();
      expect(await readFile('/proc/self/mountinfo', 'utf8')).not.toContain(lab.id);
    } finally {
      problems.push(...(await lab.cleanup()));
    }
    expect(problems).toEqual([]);
  });
});
