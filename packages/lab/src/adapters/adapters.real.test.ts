// hbd and keepalived under the lab, from the same scenario as Heartbeat: the VIP comes up on the
// preferred node, the operator's standby moves it to the other node and takeover brings it back,
// a cut cable moves it again — one MAC at a time throughout (Heartbeat has its own test in
// cluster-lab.real.test.ts). hbd must be built (pnpm build). Needs root.

import { describe, expect, test } from '@jest/globals';
import { realTestGate } from '@hbd/testkit';
import { createClusterLab } from '../cluster-lab';
import { monotonicMs } from '../time';
import { adapterFor, type ManagerKind } from './index';

const gate = realTestGate('hbd and keepalived in the cluster lab (network namespaces)');

(gate.enabled ? describe : describe.skip)('managers in the cluster lab', () => {
  test.each<[ManagerKind]>([['hbd'], ['keepalived']])('%s: VIP on nodea, standby → nodeb, takeover → nodea, cable cut → nodeb', async (kind) => {
    const probe = await adapterFor(kind).probe();
    if (!probe.ok) throw new Error(`${kind} is needed for this test: ${probe.reason}`);
    const lab = await createClusterLab({ scenario: { nodes: ['nodea', 'nodeb'], service: 'http' }, manager: kind });
    try {
      const started = monotonicMs();
      await lab.startAll();
      await lab.waitForVipOn('nodea', { timeoutMs: 30_000, sinceMs: started, stableMs: 500 });
      await lab.waitSettled(30_000);
      // The service answers on the VIP, from nodea.
      const page = await lab.client.exec(['python3', '-c', `import urllib.request;print(urllib.request.urlopen('http://${lab.scenario.vip}:8080/',timeout=5).read().decode())`]);
      expect(page.stdout).toMatch(/^nodea \d+/);

      const timeline = lab.probe!.timeline;
      const standbyAt = monotonicMs();
      await lab.standby('nodea');
      await lab.waitForVipOn('nodeb', { timeoutMs: 20_000, sinceMs: standbyAt, stableMs: 300 });
      await lab.waitSettled(30_000);
      expect(timeline.dualOwnerEpisodes(standbyAt)).toEqual([]);

      const takeoverAt = monotonicMs();
      await lab.takeover('nodea');
      await lab.waitForVipOn('nodea', { timeoutMs: 20_000, sinceMs: takeoverAt, stableMs: 300 });
      await lab.waitSettled(30_000);
      const takeoverOverlap = timeline.dualOwnerEpisodes(takeoverAt);
      if (kind === 'keepalived') {
        // VRRP preemption: the new master adds the VIP and announces it; the old one drops it when
        // that advert arrives. A round may catch both (a real, if short, overlap): at most 3.
        expect(takeoverOverlap.reduce((sum, episode) => sum + episode.rounds, 0)).toBeLessThanOrEqual(3);
      } else expect(takeoverOverlap).toEqual([]);

      const cutAt = monotonicMs();
      await lab.faults.linkDown('nodea');
      const moved = await lab.waitForVipOn('nodeb', { timeoutMs: 20_000, sinceMs: cutAt });
      expect(moved.fromMs - cutAt).toBeLessThan(10_000);
      expect(timeline.dualOwnerEpisodes(cutAt)).toEqual([]);
      if (kind === 'hbd') expect(timeline.dualOwnerEpisodes()).toEqual([]);
    } finally {
      expect(await lab.cleanup()).toEqual([]);
    }
  }, 120_000);
});
