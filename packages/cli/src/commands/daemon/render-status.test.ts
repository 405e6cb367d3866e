import { expect, test } from '@jest/globals';
import { STATUS_AFTER_FAILOVER } from '../../../test/status-document.fixture';
import { renderStatus } from './render-status';

test('hbctl status text after a failover (golden)', () => {
  expect(renderStatus(STATUS_AFTER_FAILOVER)).toBe(
    `hbd on master2: active (pid 4242, up 1 h 2 min, generation 3, hbd 0.1.0)
cluster linux-ha: keepalive 1 s, warntime 5 s, deadtime 10 s, initdead 30 s, auto_failback off

NODE     STATUS  LAST HEARD   GENERATION  PING  LINKS
master1  dead    12.34 s ago  7           1/1   ucast eth1 10.0.0.1: dead
master2  active  (this node)  3           1/1

PING TARGET   STATUS  LAST REPLY
192.168.42.1  up      0.8 s ago
ping quorum: 1/1 reachable

GROUP                            PREFERRED  OWNER    HERE     MEMBERS
IPaddr::192.168.42.14/25/eth0:0  master1    master2  started  IPaddr::192.168.42.14/25/eth0:0 started, nginx started

last failover: IPaddr::192.168.42.14/25/eth0:0 taken over from master1 2.34 s ago (2026-11-20T23:59:50.000Z), done in 1.23 s: master1 dead for 10.0 s; ping 1/1 reachable
  +0.000 s  late heartbeat from master1: 5.01 s since last (warntime 5 s, deadtime 10 s)
  +5.000 s  node master1 is dead: nothing heard for 10 s (warntime 5 s, deadtime 10 s)
  +5.000 s  taking over group IPaddr::192.168.42.14/25/eth0:0 (IPaddr::192.168.42.14/25/eth0:0 nginx) from master1: master1 dead for 10.0 s; ping 1/1 reachable
  +6.230 s  group IPaddr::192.168.42.14/25/eth0:0 (IPaddr::192.168.42.14/25/eth0:0 nginx) started in 1.23 s
packets: 3600 received, 3700 sent, 2 send errors, 3 dropped (HB_WIRE_BAD_SIGNATURE 2, HB_WIRE_REPLAY 1)
stalls: none; event-loop delay p99 1.25 ms
`,
  );
});

test('no ping targets, no failover, shutting down, a stall', () => {
  const text = renderStatus({
    ...STATUS_AFTER_FAILOVER,
    daemon: { ...STATUS_AFTER_FAILOVER.daemon, shuttingDown: true },
    pingTargets: [],
    quorum: { reachable: 0, total: 0, hasQuorum: true },
    lastFailover: null,
    eventLoop: { stalls: 2, longestStallMs: 7200, lastStallAgoMs: 60_000, delayP99Ms: null },
  });
  expect(text).toContain('hbd on master2: active (shutting down)');
  expect(text).toContain('ping targets: none configured');
  expect(text).not.toContain('PING ');
  expect(text).toContain('last failover: none since hbd started');
  expect(text).toContain('stalls: 2 (longest 7.2 s, last 60 s ago)');
});

test('a blocked group and a refusal are spelled out under the table', () => {
  const group = STATUS_AFTER_FAILOVER.groups[0]!;
  const text = renderStatus({
    ...STATUS_AFTER_FAILOVER,
    groups: [{ ...group, owner: null, localState: 'stopped', blockedBy: { node: 'master1', why: 'unclean' }, refusal: 'ping quorum lost (0/1 reachable)' }],
  });
  expect(text).toContain(`  ${group.id}: BLOCKED by master1: its stop failed there (unclean); once it is really stopped there: hbctl cleanup ${group.id}\n`);
  expect(text).toContain(`  ${group.id}: not started here: ping quorum lost (0/1 reachable)\n`);
});
