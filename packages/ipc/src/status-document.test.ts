import { describe, expect, test } from '@jest/globals';
import { buildStatusDocument, type DaemonFacts, type NodeViewLike } from './status-document';

const view: NodeViewLike = {
  localNode: 'master1',
  generation: 7,
  nowMs: 10_000,
  status: 'active',
  nodes: [
    { name: 'master1', status: 'active', generation: 7, lastHeardAtMs: null, pingReachable: 1, links: [] },
    {
      name: 'master2',
      status: 'active',
      generation: 3,
      lastHeardAtMs: 9_600,
      pingReachable: 1,
      links: [
        { link: 'ucast eth1 10.0.0.2', status: 'up', lastHeardAtMs: 9_600 },
        { link: 'bcast eth2', status: 'dead', lastHeardAtMs: null },
      ],
    },
  ],
  pingTargets: [{ name: '10.0.0.254', status: 'up', lastHeardAtMs: 9_900.4 }],
  quorum: { reachable: 1, total: 1, hasQuorum: true },
  groups: [
    {
      id: 'IPaddr::192.168.42.14/25/eth0:0',
      preferredNode: 'master1',
      owner: 'master1',
      localState: 'started',
      epoch: 2,
      members: [
        { token: 'IPaddr::192.168.42.14/25/eth0:0', state: 'started' },
        { token: 'nginx', state: 'started' },
      ],
    },
  ],
};

const facts: DaemonFacts = {
  pid: 1234,
  version: '0.1.0',
  startedAt: '2026-11-20T23:40:58.000Z',
  uptimeMs: 60_000,
  configDir: '/etc/ha.d',
  clusterName: 'linux-ha',
  configDigest: 'abc',
  timers: { keepaliveMs: 1000, warntimeMs: 5000, deadtimeMs: 10000, initdeadMs: 30000 },
  autoFailback: 'on',
  shuttingDown: false,
  packets: { received: 10, sent: 11, sendErrors: 0, dropped: { total: 2, byReason: { badSignature: 2 } } },
  eventLoop: { stalls: 0, longestStallMs: 0, lastStallAgoMs: null, delayP99Ms: 1.2 },
  lastFailover: null,
};

describe('buildStatusDocument', () => {
  test('monotonic instants become ages relative to the shell now, the rest is copied', () => {
    const doc = buildStatusDocument(view, facts, 10_100);
    expect(doc.localNode).toBe('master1');
    expect(doc.nodes[0]).toMatchObject({ name: 'master1', local: true, lastHeardAgoMs: null });
    expect(doc.nodes[1]).toMatchObject({ name: 'master2', local: false, lastHeardAgoMs: 500 });
    expect(doc.nodes[1]?.links).toEqual([
      { link: 'ucast eth1 10.0.0.2', status: 'up', lastHeardAgoMs: 500 },
      { link: 'bcast eth2', status: 'dead', lastHeardAgoMs: null },
    ]);
    expect(doc.pingTargets[0]?.lastHeardAgoMs).toBe(200);
    expect(doc.cluster).toEqual({ name: 'linux-ha', configDigest: 'abc', keepaliveMs: 1000, warntimeMs: 5000, deadtimeMs: 10000, initdeadMs: 30000, autoFailback: 'on' });
    expect(doc.groups[0]?.members.map((m) => m.state)).toEqual(['started', 'started']);
    expect(doc.groups[0]).toMatchObject({ blockedBy: null, refusal: null });
    expect(doc.packets.dropped.byReason).toEqual({ badSignature: 2 });
  });

  test('what blocks a group, and why this node refused it, are carried', () => {
    const blocked: NodeViewLike = { ...view, groups: [{ ...view.groups[0]!, owner: null, localState: 'stopped', blockedBy: { node: 'master2', why: 'unclean' }, refusal: 'ping quorum lost (0/1)' }] };
    expect(buildStatusDocument(blocked, facts, 10_100).groups[0]).toMatchObject({ blockedBy: { node: 'master2', why: 'unclean' }, refusal: 'ping quorum lost (0/1)' });
  });

  test('an age is never negative (view instants later than the shell now)', () => {
    expect(buildStatusDocument(view, facts, 9_000).nodes[1]?.lastHeardAgoMs).toBe(0);
  });

  test('the document is plain JSON', () => {
    const doc = buildStatusDocument(view, facts, 10_100);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
