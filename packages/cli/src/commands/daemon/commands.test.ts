import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { PROTOCOL_VERSION, makeNotification } from '@hbd/ipc';
import { captureIo, startFakeDaemon, type FakeDaemon } from '../../../test/fake-daemon';
import { STATUS_AFTER_FAILOVER } from '../../../test/status-document.fixture';
import { runCleanup, runStandbyOrTakeover } from './admin-command';
import { runFenceCheck, runFenceConfirm } from './fence-command';
import { runNodeList, runResourceList } from './list-commands';
import { runStatus } from './status-command';

let fake: FakeDaemon;
beforeEach(async () => {
  fake = await startFakeDaemon();
});
afterEach(() => fake.close());

describe('hbctl status', () => {
  test('text by default, one JSON envelope with --json', async () => {
    fake.answers.status = { result: STATUS_AFTER_FAILOVER };
    const text = captureIo();
    expect(await runStatus({ runDir: fake.runDir }, text.io)).toBe(0);
    expect(text.stdout()).toMatch(/^hbd on master2: active/);
    const json = captureIo();
    expect(await runStatus({ runDir: fake.runDir, json: true }, json.io)).toBe(0);
    const doc = JSON.parse(json.stdout());
    expect(doc).toEqual({ apiVersion: '1.0', request: 'hbctl status --json', status: { code: 0, name: 'OK', message: 'OK' }, data: STATUS_AFTER_FAILOVER, diagnostics: [] });
    expect(fake.requests.map((request) => request.method)).toEqual(['hello', 'status', 'hello', 'status']);
  });

  test('no daemon: a clear message and exit 69, also as JSON', async () => {
    const io = captureIo();
    expect(await runStatus({ runDir: '/nonexistent/hbd-run' }, io.io)).toBe(69);
    expect(io.stderr()).toBe('hbctl: hbd is not running on this node (no control socket /nonexistent/hbd-run/hbd.sock)\n  hint: start it (systemctl start hbd) or point hbctl at its run dir with --run-dir\n');
    const json = captureIo();
    expect(await runStatus({ runDir: '/nonexistent/hbd-run', json: true }, json.io)).toBe(69);
    expect(JSON.parse(json.stdout()).status).toMatchObject({ code: 69, name: 'UNAVAILABLE', hbCode: 'HB_IPC_UNAVAILABLE' });
  });

  test('a daemon speaking another protocol version: exit 76', async () => {
    fake.protocolVersion = PROTOCOL_VERSION + 1;
    const io = captureIo();
    expect(await runStatus({ runDir: fake.runDir }, io.io)).toBe(76);
    expect(io.stderr()).toMatch(/hbctl speaks control protocol 1, hbd speaks 2/);
  });

  test('--watch re-renders every status push', async () => {
    fake.answers.subscribe = (_params, push) => {
      setTimeout(() => push(makeNotification('status', STATUS_AFTER_FAILOVER)), 5);
      setTimeout(() => push(makeNotification('status', { ...STATUS_AFTER_FAILOVER, generation: 4 })), 10);
      return { result: { subscribed: true } };
    };
    const io = captureIo();
    expect(await runStatus({ runDir: fake.runDir, watch: true, maxUpdates: 2 }, io.io)).toBe(0);
    expect(io.stdout().match(/^hbd on master2/gm)).toHaveLength(2);
    expect(io.stdout()).toContain('generation 4');
    expect(fake.requests.find((request) => request.method === 'subscribe')?.params).toEqual({ events: false, status: true });
  });
});

describe('hbctl standby / takeover / cleanup', () => {
  test('waits, shows progress on stderr, prints what moved and how long it took', async () => {
    fake.answers.standby = (params, push) => {
      push(makeNotification('event', { at: 'x', level: 'notice', text: 'releasing group Dummy::web to beta: standby', event: { kind: 'groupReleaseStarted' } }));
      push(makeNotification('event', { at: 'x', level: 'debug', text: 'noise', event: { kind: 'peerHeard' } }));
      return { result: { requestId: 'r1', completed: true, ok: true, message: 'gave all groups to beta', moved: [{ group: 'Dummy::web', from: 'alpha', to: 'beta' }], tookMs: 1234 } };
    };
    fake.answers.subscribe = { result: { subscribed: true } };
    const io = captureIo();
    expect(await runStandbyOrTakeover('standby', 'all', { runDir: fake.runDir }, io.io)).toBe(0);
    expect(io.stdout()).toBe('standby all on alpha: done in 1.23 s\n  moved Dummy::web: alpha -> beta\n');
    expect(io.stderr()).toMatch(/^ {2}\+\d+\.\d\d s {2}releasing group Dummy::web to beta: standby\n$/);
    expect(fake.requests.find((request) => request.method === 'standby')?.params).toEqual({ scope: 'all', wait: true });
  });

  test('--no-wait returns at once; --json prints the result', async () => {
    fake.answers.takeover = { result: { requestId: 'r2', completed: false, ok: true, message: 'accepted', moved: [], tookMs: null } };
    const io = captureIo();
    expect(await runStandbyOrTakeover('takeover', 'foreign', { runDir: fake.runDir, wait: false }, io.io)).toBe(0);
    expect(io.stdout()).toBe('takeover foreign on alpha: requested (request r2); not waiting -- follow it with "hbctl status"\n');
    expect(fake.requests.map((request) => request.method)).toEqual(['hello', 'takeover']);
    const json = captureIo();
    expect(await runStandbyOrTakeover('takeover', 'foreign', { runDir: fake.runDir, wait: false, json: true }, json.io)).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({ request: 'hbctl takeover foreign --no-wait --json', data: { requestId: 'r2', completed: false } });
  });

  test('refused by the engine: exit 1 with its reason', async () => {
    fake.answers.subscribe = { result: { subscribed: true } };
    fake.answers.standby = { result: { requestId: 'r3', completed: true, ok: false, message: 'beta is dead: nobody to take the groups', moved: [], tookMs: 3 } };
    const io = captureIo();
    expect(await runStandbyOrTakeover('standby', 'local', { runDir: fake.runDir, quiet: true }, io.io)).toBe(1);
    expect(io.stderr()).toBe('hbctl: standby local on alpha failed in 0 s: beta is dead: nobody to take the groups\n  nothing moved\n');
  });

  test('no answer within --timeout: exit 124, the daemon goes on', async () => {
    fake.answers.subscribe = { result: { subscribed: true } };
    fake.answers.standby = () => new Promise(() => undefined);
    const io = captureIo();
    expect(await runStandbyOrTakeover('standby', 'all', { runDir: fake.runDir, timeout: 0.1, quiet: true }, io.io)).toBe(124);
    expect(io.stderr()).toMatch(/standby all still in progress after 0.1 s; hbd goes on with it/);
  });

  test('daemon-side errors keep their exit status (shutting down: 75)', async () => {
    fake.answers.subscribe = { result: { subscribed: true } };
    fake.answers.cleanup = { error: { code: -32003, message: 'alpha is shutting down', data: { hbCode: 'HB_IPC_SHUTTING_DOWN' } } };
    const io = captureIo();
    expect(await runCleanup('Dummy::web', { runDir: fake.runDir, quiet: true }, io.io)).toBe(75);
    expect(io.stderr()).toBe('hbctl: alpha is shutting down\n');
    expect(fake.requests.find((request) => request.method === 'cleanup')?.params).toEqual({ group: 'Dummy::web', wait: true });
  });
});

describe('hbctl node list / resource list', () => {
  test('tables', async () => {
    fake.answers.nodeList = {
      result: {
        nodes: [
          { name: 'alpha', type: 'normal', local: true, status: 'active', lastHeardAgoMs: 0, links: [] },
          { name: 'beta', type: 'normal', local: false, status: 'active', lastHeardAgoMs: 120, links: [{ link: 'ucast eth1 10.0.0.2', status: 'up' }] },
          { name: '10.0.0.254', type: 'ping', local: false, status: 'ping', lastHeardAgoMs: 900, links: [] },
        ],
      },
    };
    fake.answers.resourceList = {
      result: {
        groups: [
          {
            id: 'IPaddr::10.0.0.100',
            preferredNode: 'alpha',
            owner: 'alpha',
            localState: 'started',
            resources: [
              { token: 'IPaddr::10.0.0.100', name: 'IPaddr', args: ['10.0.0.100'], agentPath: '/etc/ha.d/resource.d/IPaddr', agentKind: 'heartbeat', state: 'started' },
              { token: 'nginx', name: 'nginx', args: [], agentPath: null, agentKind: null, state: 'started' },
            ],
          },
        ],
      },
    };
    const nodes = captureIo();
    expect(await runNodeList({ runDir: fake.runDir }, nodes.io)).toBe(0);
    expect(nodes.stdout()).toBe(
      'NODE        TYPE    STATUS  LAST HEARD   LINKS\n' +
        'alpha       normal  active  (this node)\n' +
        'beta        normal  active  0.12 s ago   ucast eth1 10.0.0.2: up\n' +
        '10.0.0.254  ping    ping    0.9 s ago\n',
    );
    const resources = captureIo();
    expect(await runResourceList({ runDir: fake.runDir }, resources.io)).toBe(0);
    expect(resources.stdout()).toBe(
      'GROUP               OWNER  #  RESOURCE            HERE     AGENT\n' +
        'IPaddr::10.0.0.100  alpha  1  IPaddr::10.0.0.100  started  /etc/ha.d/resource.d/IPaddr (heartbeat)\n' +
        '                           2  nginx               started  (not found)\n',
    );
  });
});

describe('hbctl fence confirm', () => {
  test('the daemon takes the operator\'s word: its message, exit 0; as JSON too', async () => {
    fake.answers.fenceConfirm = { result: { node: 'beta', message: 'beta confirmed fenced: its groups may be taken over' } };
    const io = captureIo();
    expect(await runFenceConfirm('beta', { runDir: fake.runDir }, io.io)).toBe(0);
    expect(io.stdout()).toBe('beta confirmed fenced: its groups may be taken over\n');
    expect(fake.requests.find((request) => request.method === 'fenceConfirm')?.params).toEqual({ node: 'beta' });
    const json = captureIo();
    expect(await runFenceConfirm('beta', { runDir: fake.runDir, json: true }, json.io)).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({ request: 'hbctl fence confirm beta --json', data: { node: 'beta' } });
  });

  test('nothing waiting for the operator: the daemon\'s refusal, exit status of a bad request', async () => {
    fake.answers.fenceConfirm = { error: { code: -32602, message: 'no fence of beta is waiting for an operator on alpha', data: { hbCode: 'HB_IPC_BAD_REQUEST' } } };
    const io = captureIo();
    expect(await runFenceConfirm('beta', { runDir: fake.runDir }, io.io)).not.toBe(0);
    expect(io.stderr()).toBe('hbctl: no fence of beta is waiting for an operator on alpha\n');
  });
});

describe('hbctl fence check', () => {
  test('one line per device; exit 0 only when every device works', async () => {
    fake.answers.fenceCheck = {
      result: {
        devices: [
          { device: 'external/ipmi (ha.cf:14)', ok: true, hosts: ['beta'], detail: 'status: exit 0' },
          { device: 'baytech (ha.cf:15)', ok: false, hosts: [], detail: 'hbd cannot drive STONITH type "baytech": every fence through it fails' },
        ],
      },
    };
    const io = captureIo();
    expect(await runFenceCheck({ runDir: fake.runDir }, io.io)).toBe(1);
    expect(io.stderr()).toContain('1 of 2 device(s) not usable from');
    expect(io.stderr()).toContain('\n  ok      external/ipmi (ha.cf:14)  can fence: beta\n          status: exit 0\n  FAILED  baytech (ha.cf:15)  can fence: (none)\n');
    fake.answers.fenceCheck = { result: { devices: [{ device: 'external/ipmi (ha.cf:14)', ok: true, hosts: ['beta'], detail: 'status: exit 0' }] } };
    const json = captureIo();
    expect(await runFenceCheck({ runDir: fake.runDir, json: true }, json.io)).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({ request: 'hbctl fence check --json', data: { devices: [{ ok: true }] } });
  });

  test('no device for this node: not OK', async () => {
    fake.answers.fenceCheck = { result: { devices: [] } };
    const io = captureIo();
    expect(await runFenceCheck({ runDir: fake.runDir }, io.io)).toBe(1);
    expect(io.stderr()).toMatch(/no stonith_host line lets \S+ fence/);
  });
});
