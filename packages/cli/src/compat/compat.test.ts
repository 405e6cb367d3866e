import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { captureIo, startFakeDaemon, type FakeDaemon } from '../../test/fake-daemon';
import { STATUS_AFTER_FAILOVER } from '../../test/status-document.fixture';
import { runClStatus } from './cl-status';
import { runHbStandbyCompat } from './hb-standby';
import { runMeatclientCompat } from './meatclient';

let fake: FakeDaemon;
beforeEach(async () => {
  fake = await startFakeDaemon();
  fake.answers.status = { result: STATUS_AFTER_FAILOVER };
});
afterEach(() => fake.close());

describe('hb_standby / hb_takeover', () => {
  test("Heartbeat's usage errors, exit 1", async () => {
    const many = captureIo();
    expect(await runHbStandbyCompat('standby', ['all', 'local'], many.io)).toBe(1);
    expect(many.stderr()).toBe('hb_standby: too many arguments\nusage:\nhb_standby [all|foreign|local|failback]\n');
    const bogus = captureIo();
    expect(await runHbStandbyCompat('takeover', ['bogus'], bogus.io)).toBe(1);
    expect(bogus.stderr()).toBe('hb_takeover: wrong resources(bogus).\nusage:\nhb_takeover [all|foreign|local|failback]\n');
  });

  test('no argument means all; it returns once hbd accepted (like Heartbeat, no wait)', async () => {
    fake.answers.standby = { result: { requestId: 'r', completed: false, ok: true, message: 'accepted', moved: [], tookMs: null } };
    const io = captureIo({ HBD_RUN_DIR: fake.runDir });
    expect(await runHbStandbyCompat('standby', [], io.io)).toBe(0);
    expect(io.stdout()).toBe('Going standby [all].\n');
    expect(fake.requests.find((request) => request.method === 'standby')?.params).toEqual({ scope: 'all', wait: false });
  });

  test('without hbd: the reason on stderr, exit 69', async () => {
    const io = captureIo({ HBD_RUN_DIR: '/nonexistent/hbd' });
    expect(await runHbStandbyCompat('takeover', ['failback'], io.io)).toBe(69);
    expect(io.stderr()).toMatch(/hbd is not running on this node/);
  });
});

describe('cl_status', () => {
  const run = async (...args: string[]) => {
    const io = captureIo({ HBD_RUN_DIR: fake.runDir });
    const code = await runClStatus(args, io.io);
    return { code, out: io.stdout(), err: io.stderr() };
  };

  test('hbstatus, also when hbd is down', async () => {
    expect(await run('hbstatus')).toEqual({ code: 0, out: 'Heartbeat is running on this machine.\n', err: '' });
    const verbose = await run('hbstatus', '-v');
    expect(verbose.out).toContain('version:\thbd 0.1.0\nmanaged by:\t"haresources"\n');
    expect(verbose.out).toContain('192.168.42.1\tping\t(nodetype: ping)\n\t192.168.42.1\tup\n');
    expect(verbose.out).toContain('master1\tdead\t(nodetype: normal)\n\teth1\tdead\n');
    const down = captureIo({ HBD_RUN_DIR: '/nonexistent/hbd' });
    expect(await runClStatus(['hbstatus'], down.io)).toBe(1);
    expect(down.stdout()).toBe('Heartbeat is stopped on this machine.\n');
    const other = captureIo({ HBD_RUN_DIR: '/nonexistent/hbd' });
    expect(await runClStatus(['listnodes'], other.io)).toBe(1);
    expect(other.stderr()).toMatch(/^ERROR: Cannot signon with heartbeat\nERROR: REASON: hbd is not running/);
  });

  test('listnodes, nodestatus, nodetype', async () => {
    expect((await run('listnodes')).out).toBe('192.168.42.1\nmaster1\nmaster2\n');
    expect((await run('listnodes', '-n')).out).toBe('master1\nmaster2\n');
    expect((await run('listnodes', '-p')).out).toBe('192.168.42.1\n');
    expect(await run('nodestatus', 'master2')).toEqual({ code: 0, out: 'active\n', err: '' });
    expect(await run('nodestatus', 'master1')).toEqual({ code: 1, out: 'dead\n', err: '' });
    expect(await run('nodestatus', '192.168.42.1')).toEqual({ code: 0, out: 'ping\n', err: '' });
    expect(await run('nodestatus', 'nobody')).toEqual({ code: 11, out: '', err: 'Error. May be due to incorrect node name\n' });
    expect((await run('-m', 'nodestatus', 'master2')).out).toBe('Node master2 is active.\n');
    expect((await run('nodetype', '192.168.42.1')).out).toBe('ping\n');
  });

  test('links', async () => {
    expect((await run('listhblinks', 'master1')).out).toBe('\tucast eth1 10.0.0.1\n');
    expect((await run('listhblinks', 'master1', '-v')).out).toBe('\tucast eth1 10.0.0.1\tdead\n');
    expect(await run('hblinkstatus', 'master1', 'eth1')).toEqual({ code: 1, out: 'dead\n', err: '' });
    expect((await run('hblinkstatus', 'master1', 'ucast eth1 10.0.0.1')).out).toBe('dead\n');
    expect((await run('hblinkstatus', 'master1', 'eth9')).code).toBe(11);
  });

  test('rscstatus: this node holds a group preferring the other node: foreign', async () => {
    expect(await run('rscstatus')).toEqual({ code: 0, out: 'foreign\n', err: '' });
    expect((await run('rscstatus', '-m')).out).toBe('This node is holding foreign resources.\n');
  });

  test('bad sub-commands and parameters: exit 11', async () => {
    expect((await run('parameter', '-p', 'deadtime')).code).toBe(11);
    expect((await run('nodestatus')).code).toBe(11);
    expect((await run()).code).toBe(11);
  });
});

describe('meatclient -c NODE', () => {
  test('asks first, as Heartbeat; "y" confirms through hbd', async () => {
    fake.answers.fenceConfirm = { result: { node: 'beta', message: 'beta confirmed fenced: its groups may be taken over' } };
    const questions: string[] = [];
    const io = captureIo({ HBD_RUN_DIR: fake.runDir });
    expect(await runMeatclientCompat(['-c', 'beta'], io.io, (q) => (questions.push(q), Promise.resolve('y')))).toBe(0);
    expect(questions[0]).toContain('If node "beta" has not been manually power-cycled');
    expect(io.stdout()).toBe('beta confirmed fenced: its groups may be taken over\n');
    expect(fake.requests.find((request) => request.method === 'fenceConfirm')?.params).toEqual({ node: 'beta' });
  });

  test('anything but yes cancels; bad arguments give the usage', async () => {
    const no = captureIo({ HBD_RUN_DIR: fake.runDir });
    expect(await runMeatclientCompat(['-c', 'beta'], no.io, () => Promise.resolve(''))).toBe(1);
    expect(no.stderr()).toBe('Meatware_client: operation canceled.\n');
    expect(fake.requests.some((request) => request.method === 'fenceConfirm')).toBe(false);
    const bad = captureIo();
    expect(await runMeatclientCompat(['beta'], bad.io, () => Promise.resolve('y'))).toBe(1);
    expect(bad.stderr()).toBe('usage: meatclient -c nodename\n');
  });
});
