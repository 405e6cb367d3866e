// The golden scenarios: scripted runs of the seed cluster (heartbeat-nginx-drbd tutorial:
// master1/master2, `master1 IPaddr::192.168.42.14/25/eth0:0 nginx`, keepalive 2, warntime 10,
// deadtime 30, initdead 60, ping 192.168.42.1, auto_failback on) rendered as timelines and
// checked in under packages/sim/golden/. Agents, network and ping are simulated; nothing real
// is touched. Each scenario also states the outcome it expects, so a golden can't silently
// record a wrong behaviour.

import type { AgentTiming } from './agents';
import type { Engine } from './engine-port';
import { requireCoreEngine } from './engine-port';
import type { Violation } from './invariants';
import { seedTopology, type SimTopology } from './sim-config';
import { Simulation } from './simulation';

export const VIP = 'IPaddr::192.168.42.14/25/eth0:0';
const PING = '192.168.42.1';
/** master1-cable-pulled: when the group was first seen active on both nodes. */
const bothActiveAtMs = new WeakMap<Simulation, number>();

export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** What happens and why, in a sysadmin's words: printed at the top of the golden file. */
  readonly story: readonly string[];
  readonly topology?: Partial<SimTopology>;
  readonly script: (sim: Simulation) => void;
  readonly endMs: number;
  /** The outcome, checked at the end: null when as expected, else what is wrong. */
  readonly expect: (sim: Simulation) => string | null;
}

export interface ScenarioRun {
  readonly text: string;
  readonly violations: readonly Violation[];
  readonly problem: string | null;
  readonly sim: Simulation;
}

/** Fixed durations so the timeline is exact to the millisecond. */
const TIMING: Record<string, AgentTiming> = {
  IPaddr: { startMs: [600, 600], stopMs: [200, 200], statusMs: [20, 20] },
  nginx: { startMs: [900, 900], stopMs: [400, 400], statusMs: [30, 30] },
};
const DEFAULT_TIMING: AgentTiming = { startMs: [500, 500], stopMs: [300, 300], statusMs: [20, 20] };

function holders(sim: Simulation): string {
  return sim.holders(VIP).join(' ') || 'nobody';
}

function expectHolder(node: string): (sim: Simulation) => string | null {
  return (sim) => {
    const h = sim.holders(VIP);
    const a = sim.activeOn(VIP);
    return h.length === 1 && h[0] === node && a.length === 1 ? null : `expected ${VIP} fully on ${node} only, found it on [${h.join(' ')}] (active on [${a.join(' ')}])`;
  };
}

function bootBoth(sim: Simulation): void {
  sim.at(0, 'boot master1', () => sim.boot('master1'));
  sim.at(0, 'boot master2', () => sim.boot('master2'));
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'master1-dies',
    title: 'master1 dies: master2 takes over VIP + nginx after deadtime',
    story: [
      'Both nodes boot together and hear each other at once (no initdead wait); master1, the',
      "group's haresources node, starts IPaddr then nginx. At 120 s master1 loses power. master2",
      'hears nothing for deadtime (30 s), declares master1 dead and, reaching the ping node,',
      'starts the group left to right. No fencing is configured, as in the seed.',
    ],
    script: (sim) => {
      bootBoth(sim);
      sim.at(120_000, 'crash', () => sim.crash('master1'));
    },
    endMs: 200_000,
    expect: expectHolder('master2'),
  },
  {
    name: 'master1-returns-auto-failback-on',
    title: 'master1 returns with auto_failback on: the group goes back to it',
    story: [
      'As master1-dies, then master1 boots again at 200 s with a new generation. master2 sees the',
      'restart; with auto_failback on it hands the group back once master1 has been active for',
      'deadtime (the soak period, so a flapping node does not drag the group along): master2 stops',
      'nginx then IPaddr, reports the group released, and only then master1 starts it.',
    ],
    script: (sim) => {
      bootBoth(sim);
      sim.at(120_000, 'crash', () => sim.crash('master1'));
      sim.at(200_000, 'boot', () => sim.boot('master1'));
    },
    endMs: 300_000,
    expect: expectHolder('master1'),
  },
  {
    name: 'master1-returns-auto-failback-off',
    title: 'master1 returns with auto_failback off: the group stays on master2',
    story: ['As master1-returns-auto-failback-on, but with auto_failback off: master1 rejoins and takes nothing.'],
    topology: { autoFailback: 'off' },
    script: (sim) => {
      bootBoth(sim);
      sim.at(120_000, 'crash', () => sim.crash('master1'));
      sim.at(200_000, 'boot', () => sim.boot('master1'));
    },
    endMs: 300_000,
    expect: expectHolder('master2'),
  },
  {
    name: 'hb-standby-master1',
    title: 'hb_standby on master1: master2 takes the group within seconds',
    story: [
      'With the group on master1, the operator runs `hb_standby` (all) on master1. master1 stops',
      'nginx then IPaddr and tells master2, which starts them. auto_failback on does not undo an',
      "operator's move.",
    ],
    script: (sim) => {
      bootBoth(sim);
      sim.at(120_000, 'standby', () => sim.adminRequest('master1', { command: 'standby', scope: 'all' }));
    },
    endMs: 180_000,
    expect: expectHolder('master2'),
  },
  {
    name: 'hb-takeover-master1',
    title: 'hb_takeover on master1: the group comes back from master2',
    story: [
      'auto_failback off. master2 boots alone, waits initdead (60 s), declares master1 dead and',
      'takes the group. master1 boots at 90 s and, auto_failback being off, takes nothing. At',
      '150 s the operator runs `hb_takeover` (all) on master1: master1 asks master2, master2 stops',
      'the group and reports it released, then master1 starts it.',
    ],
    topology: { autoFailback: 'off' },
    script: (sim) => {
      sim.at(0, 'boot master2', () => sim.boot('master2'));
      sim.at(90_000, 'boot master1', () => sim.boot('master1'));
      sim.at(150_000, 'takeover', () => sim.adminRequest('master1', { command: 'takeover', scope: 'all' }));
    },
    endMs: 210_000,
    expect: expectHolder('master1'),
  },
  {
    name: 'ping-lost-on-master1',
    title: 'master1 loses the ping node, master2 still reaches it: ipfail moves the group',
    story: [
      'At 120 s master1 can no longer reach 192.168.42.1 (its uplink died); master2 still can.',
      'After deadping (30 s) master1 counts 0/1 ping nodes, master2 advertises 1/1: the node that',
      'reaches fewer hands its groups to the one that reaches more (ipfail). At 240 s the route',
      'comes back; the counts are balanced again and, auto_failback being on, the group returns to',
      'master1 after the soak period.',
    ],
    script: (sim) => {
      bootBoth(sim);
      sim.at(120_000, 'ping cut', () => {
        sim.ping.cut('master1', PING);
        sim.note('master1', `ping: ${PING} unreachable from master1 (uplink down)`);
      });
      sim.at(240_000, 'ping back', () => {
        sim.ping.restore('master1', PING);
        sim.note('master1', `ping: ${PING} reachable again from master1`);
      });
    },
    endMs: 360_000,
    expect: expectHolder('master1'),
  },
  {
    name: 'master1-cable-pulled',
    title: "master1's cable is pulled and plugged back: the ping reply comes back before master2's heartbeats",
    story: [
      "At 120 s master1's only cable is pulled: it loses master2 and the ping node at once. master2",
      'still reaches the ping node and takes the group over after deadtime; master1, hearing neither',
      'a peer nor the ping node for warntime, knows it is the isolated one and stops its copy first,',
      'so the group never runs on both (checked every 50 ms). At 240 s the cable is back:',
      "master1's ping probe is answered a moment before master2's next heartbeat arrives (1 s later).",
      'master1 has quorum again but hears no peer yet, so it waits to hear them before placing the',
      'group (it would otherwise start it as the preferred node next to the running copy, and win',
      'the split brain on equal epochs). It hears master2 holding the group; auto_failback on then',
      'hands it back to master1 cleanly after the soak period. No split brain, one hand-over.',
    ],
    script: (sim) => {
      bootBoth(sim);
      for (let t = 120_000; t < 240_000; t += 50) {
        sim.at(t, 'sample', () => {
          const a = sim.activeOn(VIP);
          if (a.length > 1 && !bothActiveAtMs.has(sim)) bothActiveAtMs.set(sim, sim.nowMs);
        });
      }
      sim.at(120_000, 'cable pulled', () => {
        sim.ping.cut('master1', PING);
        sim.network.setPair('master1', 'master2', { blocked: true });
        sim.note('master1', `network: master1's cable pulled (no heartbeat link, no ${PING})`);
      });
      sim.at(240_000, 'ping back', () => {
        sim.ping.restore('master1', PING);
        sim.note('master1', `network: cable back; ${PING} answers master1 first`);
      });
      sim.at(241_000, 'link back', () => {
        sim.network.setPair('master1', 'master2', { blocked: false });
        sim.note(null, 'network: heartbeat link restored');
      });
    },
    endMs: 360_000,
    expect: (sim) => {
      const text = sim.timeline.text();
      if (/Split brain/.test(text)) return 'a split brain was reported after the cable came back';
      const both = bothActiveAtMs.get(sim);
      if (both !== undefined) return `the group was active on both nodes at ${(both / 1000).toFixed(3)} s: the isolated master1 had not stopped it when master2 took over`;
      return expectHolder('master1')(sim);
    },
  },
  {
    name: 'heartbeat-link-cut',
    title: 'the heartbeat link is cut while both nodes still reach the ping node',
    story: [
      'At 120 s the only heartbeat link (ucast eth1) dies both ways; both nodes still reach the',
      'ping node, so both keep ping quorum. After deadtime each declares the other dead. master2',
      'has quorum and a dead peer, so it takes the group: without fencing nothing can tell it that',
      'master1 is alive, and the VIP runs on both (split brain), exactly as Heartbeat does. This is',
      'why a second heartbeat link (or a stonith_host) is recommended. At 240 s the link returns:',
      'each node sees the other claim the group and applies the same rule, the higher takeover',
      'epoch wins (master2 took it last), so master1 stops its copy right to left. With',
      'auto_failback on, master2 then hands it back to master1 after the soak period.',
    ],
    script: (sim) => {
      bootBoth(sim);
      sim.at(120_000, 'link cut', () => {
        sim.network.setPair('master1', 'master2', { blocked: true });
        sim.note(null, 'network: heartbeat link ucast eth1 between master1 and master2 cut');
      });
      sim.at(240_000, 'link back', () => {
        sim.network.setPair('master1', 'master2', { blocked: false });
        sim.note(null, 'network: heartbeat link restored');
      });
    },
    endMs: 360_000,
    expect: expectHolder('master1'),
  },
  {
    name: 'failed-start-mid-group',
    title: 'nginx fails to start on master1: the group is rolled back and started on master2',
    story: [
      "master1 starts IPaddr, then nginx's start exits 1. master1 stops what it started, right to",
      'left (nginx, then IPaddr), marks the group failed here, and master2 starts it. The failed',
      'marker keeps the group from bouncing back to master1 (no ping-pong) until an operator',
      "cleans it up. (Heartbeat instead runs `hb_standby foreign` 30 s later, its defect D4.)",
    ],
    script: (sim) => {
      sim.agents.behaviour('master1', 'nginx').failStarts = 1;
      sim.note('master1', 'agent nginx on master1 will fail its next start');
      bootBoth(sim);
    },
    endMs: 120_000,
    expect: expectHolder('master2'),
  },
  {
    name: 'failed-stop',
    title: 'nginx fails to stop on master1 during hb_standby: the group is unclean, nobody starts it',
    story: [
      "The group runs on master1; nginx's stop now always fails. The operator runs hb_standby on",
      'master1: the stop is retried stopRetriesMax (10) times, 1 s apart, and its status still says',
      'running, so the group is unclean. master2 does not start it: nginx may still hold the data',
      'and no fencing is configured to make sure; the standby request is answered "refused". At',
      '200 s the operator stops what is left by hand and runs a cleanup: the group is clean and',
      'stopped, so its preferred node master1 starts it again. At 230 s the operator repeats',
      'hb_standby, which now goes through.',
    ],
    script: (sim) => {
      bootBoth(sim);
      sim.at(100_000, 'nginx stuck', () => {
        sim.agents.behaviour('master1', 'nginx').failStops = 1_000;
        sim.note('master1', 'agent nginx on master1 will fail every stop from now on');
      });
      sim.at(120_000, 'standby', () => sim.adminRequest('master1', { command: 'standby', scope: 'all' }));
      sim.at(200_000, 'cleanup', () => {
        sim.agents.behaviour('master1', 'nginx').failStops = 0;
        sim.operatorCleanup('master1', VIP);
      });
      sim.at(230_000, 'standby again', () => sim.adminRequest('master1', { command: 'standby', scope: 'all' }));
    },
    endMs: 280_000,
    expect: expectHolder('master2'),
  },
];

export function runScenario(scenario: Scenario, engine: Engine = requireCoreEngine()): ScenarioRun {
  const topology = seedTopology(scenario.topology);
  const sim = new Simulation({
    seed: 1,
    topology,
    engine,
    timing: (name) => TIMING[name] ?? DEFAULT_TIMING,
    baseChannel: { blocked: false, lossP: 0, dupP: 0, delayMinMs: 1, delayMaxMs: 1 },
    pingDelayMs: [5, 5],
    timeline: 'full',
  });
  scenario.script(sim);
  sim.runUntil(scenario.endMs);
  const problem = scenario.expect(sim);
  const lines = [
    `# golden scenario ${scenario.name}: ${scenario.title}`,
    '#',
    ...scenario.story.map((l) => `# ${l}`),
    '#',
    `# regenerate: UPDATE_GOLDEN=1 pnpm exec jest packages/sim/test/golden.sim.test.ts (review the diff like code)`,
    ...sim.timeline.header(),
    ...sim.timeline.lines(),
    `# end at ${(scenario.endMs / 1000).toFixed(3)} s: ${VIP} runs on ${holders(sim)}; invariants: ${sim.violations.length === 0 ? 'all held' : sim.violations.map((v) => `${v.code} ${v.message}`).join('; ')}`,
  ];
  return { text: `${lines.join('\n')}\n`, violations: sim.violations, problem, sim };
}
