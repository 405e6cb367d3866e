// A status document as hbd on master2 answers right after it took the group over from master1.
import type { StatusDocument } from '@hbd/ipc';

export const STATUS_AFTER_FAILOVER: StatusDocument = {
  statusVersion: 1,
  localNode: 'master2',
  localStatus: 'active',
  generation: 3,
  daemon: { pid: 4242, version: '0.1.0', startedAt: '2026-11-20T23:00:00.000Z', uptimeMs: 3_723_000, configDir: '/etc/ha.d', shuttingDown: false },
  cluster: { name: 'linux-ha', configDigest: 'abc', keepaliveMs: 1000, warntimeMs: 5000, deadtimeMs: 10_000, initdeadMs: 30_000, autoFailback: 'off' },
  nodes: [
    { name: 'master1', local: false, status: 'dead', generation: 7, lastHeardAgoMs: 12_340, pingReachable: 1, links: [{ link: 'ucast eth1 10.0.0.1', status: 'dead', lastHeardAgoMs: 12_340 }] },
    { name: 'master2', local: true, status: 'active', generation: 3, lastHeardAgoMs: 0, pingReachable: 1, links: [] },
  ],
  pingTargets: [{ name: '192.168.42.1', status: 'up', lastHeardAgoMs: 800 }],
  quorum: { reachable: 1, total: 1, hasQuorum: true },
  groups: [
    {
      id: 'IPaddr::192.168.42.14/25/eth0:0',
      preferredNode: 'master1',
      owner: 'master2',
      localState: 'started',
      epoch: 4,
      members: [
        { token: 'IPaddr::192.168.42.14/25/eth0:0', state: 'started' },
        { token: 'nginx', state: 'started' },
      ],
      blockedBy: null,
      refusal: null,
    },
  ],
  packets: { received: 3600, sent: 3700, sendErrors: 2, dropped: { total: 3, byReason: { HB_WIRE_BAD_SIGNATURE: 2, HB_WIRE_REPLAY: 1 } } },
  eventLoop: { stalls: 0, longestStallMs: 0, lastStallAgoMs: null, delayP99Ms: 1.25 },
  lastFailover: {
    group: 'IPaddr::192.168.42.14/25/eth0:0',
    direction: 'takeover',
    from: 'master1',
    to: 'master2',
    reason: 'master1 dead for 10.0 s; ping 1/1 reachable',
    startedAt: '2026-11-20T23:59:50.000Z',
    startedAgoMs: 2340,
    tookMs: 1230,
    outcome: 'done',
    timeline: [
      { offsetMs: 0, at: '2026-11-20T23:59:45.000Z', kind: 'lateHeartbeat', text: 'late heartbeat from master1: 5.01 s since last (warntime 5 s, deadtime 10 s)' },
      { offsetMs: 5000, at: '2026-11-20T23:59:50.000Z', kind: 'peerDeclaredDead', text: 'node master1 is dead: nothing heard for 10 s (warntime 5 s, deadtime 10 s)' },
      { offsetMs: 5000, at: '2026-11-20T23:59:50.000Z', kind: 'groupTakeoverStarted', text: 'taking over group IPaddr::192.168.42.14/25/eth0:0 (IPaddr::192.168.42.14/25/eth0:0 nginx) from master1: master1 dead for 10.0 s; ping 1/1 reachable' },
      { offsetMs: 6230, at: '2026-11-20T23:59:51.230Z', kind: 'groupStarted', text: 'group IPaddr::192.168.42.14/25/eth0:0 (IPaddr::192.168.42.14/25/eth0:0 nginx) started in 1.23 s' },
    ],
  },
};
