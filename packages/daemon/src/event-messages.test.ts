import { describe, expect, test } from '@jest/globals';
import { testConfig, resource } from '../test/test-config';
import { eventMessage, eventMessageContext } from './event-messages';

const context = eventMessageContext(
  testConfig({
    warntimeMs: 2000,
    deadtimeMs: 5000,
    groups: [
      { id: 'IPaddr::192.168.42.14/25/eth0:0', preferredNode: 'alpha', resources: [resource('IPaddr::192.168.42.14/25/eth0:0'), resource('nginx')], location: { file: 'haresources', line: 1, column: 1 } },
      { id: 'Dummy::solo', preferredNode: 'beta', resources: [resource('Dummy::solo')], location: { file: 'haresources', line: 2, column: 1 } },
    ],
  }),
  'master1',
);

describe('eventMessage', () => {
  test.each([
    [{ kind: 'lateHeartbeat', atMs: 0, peer: 'master2', sinceMs: 2310, warntimeMs: 2000, deadtimeMs: 5000 }, 'warning', 'late heartbeat from master2: 2.31 s since last (warntime 2 s, deadtime 5 s)'],
    [{ kind: 'peerDeclaredDead', atMs: 0, peer: 'master2', silentMs: 5012 }, 'warning', 'node master2 is dead: nothing heard for 5.01 s (warntime 2 s, deadtime 5 s)'],
    [
      { kind: 'groupTakeoverStarted', atMs: 0, group: 'IPaddr::192.168.42.14/25/eth0:0', from: 'master2', reason: 'master2 dead for 5.0 s; ping 1/1 reachable' },
      'notice',
      'taking over group IPaddr::192.168.42.14/25/eth0:0 (IPaddr::192.168.42.14/25/eth0:0 nginx) from master2: master2 dead for 5.0 s; ping 1/1 reachable',
    ],
    [{ kind: 'groupStarted', atMs: 0, group: 'Dummy::solo', tookMs: 1234 }, 'notice', 'group Dummy::solo started in 1.23 s'],
    [
      { kind: 'resourceOpCompleted', atMs: 0, group: 'Dummy::solo', resource: 'Dummy::solo', action: 'start', opId: 3, outcome: 'ok', exitCode: 0, tookMs: 420, outputTail: '' },
      'info',
      'Dummy::solo start: ok, exit 0 in 0.42 s',
    ],
    [
      { kind: 'resourceOpCompleted', atMs: 0, group: 'Dummy::solo', resource: 'nginx', action: 'stop', opId: 4, outcome: 'failed', exitCode: 1, tookMs: 100, outputTail: 'stopping\nnginx: pid file missing\n' },
      'error',
      'nginx stop: failed, exit 1 in 0.1 s: nginx: pid file missing',
    ],
    [{ kind: 'quorumChanged', atMs: 0, reachable: 0, total: 2, hasQuorum: false }, 'crit', 'ping quorum lost: 0/2 targets reachable; this node will not take over groups'],
    [{ kind: 'pingTargetDead', atMs: 0, target: '10.0.0.1', silentMs: 30_000 }, 'warning', 'ping target 10.0.0.1 dead: no echo reply for 30 s'],
    [
      { kind: 'pingTargetDead', atMs: 0, target: '10.0.0.1', silentMs: 10_000, peersSilentMs: 10_200 },
      'crit',
      'ping target 10.0.0.1 dead: no echo reply for 10 s and no peer heard for 10.2 s: this node is cut off (not waiting for deadping)',
    ],
  ] as const)('%j -> %s "%s"', (event, level, text) => {
    const message = eventMessage(event, context);
    expect(message.level).toBe(level);
    expect(message.text).toBe(text);
  });

  test('status checks that pass are debug lines, so monitoring does not flood the log', () => {
    const message = eventMessage({ kind: 'resourceOpCompleted', atMs: 0, group: 'g', resource: 'nginx', action: 'status', opId: 5, outcome: 'ok', exitCode: 0, tookMs: 10, outputTail: 'running' }, context);
    expect(message).toMatchObject({ level: 'debug', debugLevel: 1 });
  });

  test('metadata carries the numbers, never the event time in monotonic ms', () => {
    const message = eventMessage({ kind: 'linkDead', atMs: 123456, peer: 'master2', link: 'ucast eth1 10.0.0.2', silentMs: 5000 }, context);
    expect(message.meta).toEqual({ event: 'linkDead', peer: 'master2', link: 'ucast eth1 10.0.0.2', silentMs: 5000 });
  });
});
