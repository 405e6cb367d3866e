import { afterAll, describe, expect, test } from '@jest/globals';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo, type CliIo } from './io';
import { runHbctl } from './main';
import { API_VERSION, type JsonEnvelope } from './json-envelope';

const repo = join(__dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), `hbd-cli-${process.pid}-`));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of an example node directory with authkeys at mode 600. */
function example(rel: string): string {
  const dir = join(scratch, rel);
  cpSync(join(repo, 'examples', rel), dir, { recursive: true });
  chmodSync(join(dir, 'authkeys'), 0o600);
  return dir;
}

async function run(argv: string[], io = captureIo()) {
  const code = await runHbctl(argv, io);
  return { code, out: io.out(), err: io.err() };
}

function parseOne(text: string): JsonEnvelope<Record<string, unknown>> {
  // exactly one document: JSON.parse fails on anything after it
  return JSON.parse(text) as JsonEnvelope<Record<string, unknown>>;
}

describe('hbctl config check', () => {
  test('prints the cluster: nodes, links, timers with units, ping targets, groups with agents in start order', async () => {
    const dir = example('two-node-nginx-drbd/master1');
    const r = await run(['config', 'check', '--config-dir', dir]);
    expect(r.code).toBe(0);
    for (const expected of [
      `Cluster "linux-ha" from ${dir}`,
      'Nodes (2)',
      '  master1  this machine (from nodeinfo)',
      '  ucast  eth1 → 10.1.1.2 udp/694',
      '  keepalive         2 s',
      '  deadtime          30 s',
      'Ping targets (1)\n  192.168.42.1',
      'auto_failback   on',
      'authentication  sha1, key 1 (1 key accepted)',
      'IPaddr::192.168.42.14/25/eth0:0  preferred node master1  (haresources:10)',
    ]) {
      expect(r.out).toContain(expected);
    }
    const order = ['IPaddr::192.168.42.14', 'drbddisk::r0', 'Filesystem::/dev/drbd0', 'nginx', 'mysqld'].map((t) => r.out.indexOf(`  ${t}`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(r.out).toContain(`${join(repo, 'resource-agents/Filesystem')} /dev/drbd0 /store ext4 {start|stop|status}`);
    expect(r.out).not.toContain('REPLACE-ME'); // never the key
    expect(r.err).toMatch(/configuration is valid \(\d+ warnings?\)\n$/);
  });

  test('--node overrides nodeinfo', async () => {
    const r = await run(['config', 'check', '--config-dir', example('two-node-nginx/master2'), '--node', 'MASTER1']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('  master1  this machine (from --node)');
  });

  test('errors: the cluster as far as it could be read, then GNU-style diagnostics with hints, exit 78', async () => {
    const dir = example('two-node-nginx/master1');
    chmodSync(join(dir, 'authkeys'), 0o644);
    const r = await run(['config', 'check', '-c', dir]);
    expect(r.code).toBe(78);
    expect(r.out).toContain('Nodes (2)');
    expect(r.err).toContain(`authkeys: error HB_CFG_AUTHKEYS_MODE: authkeys is mode 644, readable by its group and everyone: Heartbeat refuses to start with it\n  hint: chmod 600 ${join(dir, 'authkeys')}\n`);
    expect(r.err).toMatch(/1 error, \d+ warnings?: hbd would refuse this configuration\n$/);
  });

  test('a missing directory exits 66 and prints no cluster', async () => {
    const r = await run(['config', 'check', '--config-dir', join(scratch, 'nope')]);
    expect(r.code).toBe(66);
    expect(r.out).toBe('');
    expect(r.err).toContain('error HB_CFG_DIR_MISSING');
  });

  test('--json: exactly one versioned document, also on failure, without key material', async () => {
    const ok = await run(['config', 'check', '--config-dir', example('two-node-nginx/master2'), '--json']);
    expect(ok.code).toBe(0);
    expect(ok.err).toBe('');
    const doc = parseOne(ok.out);
    expect(doc).toMatchObject({ apiVersion: API_VERSION, status: { code: 0, name: 'OK' }, data: { localNode: 'master2', localNodeSource: 'nodeinfo', valid: true } });
    expect(doc.request).toMatch(/^hbctl config check --config-dir \S+ --json$/);
    expect((doc.data?.['cluster'] as { auth: unknown }).auth).toEqual({ activeIndex: 1, keys: [{ index: 1, method: 'sha1' }] });
    expect(ok.out).not.toContain('REPLACE-ME');

    const missing = await run(['config', 'check', '--config-dir', join(scratch, 'nope'), '--json']);
    expect(missing.code).toBe(66);
    expect(parseOne(missing.out)).toMatchObject({ status: { code: 66, name: 'NOINPUT' }, data: { cluster: null, valid: false }, diagnostics: [expect.objectContaining({ code: 'HB_CFG_DIR_MISSING' })] });
    expect(missing.err).toBe('');
  });
});

describe('hbctl config check on a directory of node directories', () => {
  function exampleSet(name: string): string {
    const dir = join(scratch, 'sets', name);
    cpSync(join(repo, 'examples', name), dir, { recursive: true });
    for (const node of ['master1', 'master2']) chmodSync(join(dir, node, 'authkeys'), 0o600);
    return dir;
  }

  test('checks every node, each as itself, then says whether they agree', async () => {
    const dir = exampleSet('two-node-nginx');
    const r = await run(['config', 'check', '--config-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('== master1 ==\n');
    expect(r.out).toContain('== master2 ==\n');
    expect(r.out).toContain('  master2  this machine (from nodeinfo)');
    expect(r.err).toMatch(/2 nodes checked: master1 valid, master2 valid; they describe the same cluster \(digest [0-9a-f]{16}\)\n$/);
    const json = parseOne((await run(['config', 'check', '--config-dir', dir, '--json'])).out);
    expect(json.data).toMatchObject({ agree: true, nodes: [expect.objectContaining({ name: 'master1', valid: true }), expect.objectContaining({ name: 'master2', valid: true })] });
  });

  test('nodes that disagree: exit 78, and diagnostics carry the node directory', async () => {
    const dir = exampleSet('two-node-nginx-drbd');
    const haCf = join(dir, 'master2/ha.cf');
    writeFileSync(haCf, readFileSync(haCf, 'utf8').replace('deadtime 30', 'deadtime 20').replace('ucast eth1 10.1.1.1', 'ucast eth1'));
    const r = await run(['config', 'check', '--config-dir', dir]);
    expect(r.code).toBe(78);
    expect(r.err).toContain('master2/ha.cf:23:7: error HB_CFG_BAD_SYNTAX');
    expect(r.err).toContain('master2: error HB_CFG_NODES_DISAGREE: master2 and master1 describe different clusters: deadtime 30 s vs 20 s; deadping 30 s vs 20 s');
    const json = parseOne((await run(['config', 'check', '--config-dir', dir, '--json'])).out);
    expect(json.diagnostics.map((d) => `${d.file} ${d.code}`)).toEqual(expect.arrayContaining(['master2/ha.cf HB_CFG_BAD_SYNTAX', 'master2 HB_CFG_NODES_DISAGREE']));
  });

  test('--node makes no sense for a set of nodes: usage error', async () => {
    const r = await run(['config', 'check', '--config-dir', exampleSet('two-node-nginx'), '--node', 'master1']);
    expect(r.code).toBe(64);
    expect(r.err).toContain('--node cannot be used with');
  });
});

describe('hbctl config defaults', () => {
  test('text: one line per directive with its default', async () => {
    const r = await run(['config', 'defaults']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^DIRECTIVE\s+DEFAULT\s+HBD$/);
    expect(r.out).toMatch(/\nkeepalive\s+1000ms\s+implemented\n/);
    expect(r.out).toMatch(/\nmonitor_interval\s+10\s+hbd extension\n/);
    expect(r.out).toMatch(/\nrespawn\s+none\s+accepted, not implemented\n/);
  });
  test('--json', async () => {
    const r = await run(['config', 'defaults', '--json']);
    const doc = parseOne(r.out);
    expect((doc.data?.['directives'] as { name: string }[]).map((d) => d.name)).toContain('deadtime');
  });
});

describe('usage, help and failures', () => {
  test.each([
    [['frobnicate']],
    [['config', 'chekc']],
    [['config', 'check', '--config-dri', '/etc/ha.d']],
    [['config', 'check', '--config-dir']],
    [['config', 'check', 'extra']],
    [[]],
  ])('%j exits 64 with a message on stderr', async (argv) => {
    const r = await run(argv);
    expect(r.code).toBe(64);
    expect(r.out).toBe('');
    expect(r.err.length).toBeGreaterThan(0);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('an unknown option suggests the right one', async () => {
    expect((await run(['config', 'check', '--config-dri', 'x'])).err).toContain("(Did you mean --config-dir?)");
  });

  test('usage errors with --json are one JSON document', async () => {
    const r = await run(['config', 'check', '--bogus', '--json']);
    expect(r.code).toBe(64);
    expect(r.err).toBe('');
    expect(parseOne(r.out)).toMatchObject({ apiVersion: API_VERSION, status: { code: 64, name: 'USAGE', message: "unknown option '--bogus'" }, data: null, diagnostics: [] });
  });

  test('--help and --version exit 0', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('config');
    const sub = await run(['config', 'check', '--help']);
    expect(sub.out).toContain('--config-dir <dir>');
    const version = await run(['--version']);
    expect(version).toMatchObject({ code: 0, out: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  test('an unexpected failure exits 70 with one line and no stack trace', async () => {
    const base = captureIo();
    const io: CliIo & { err: () => string } = { ...base, stdout: () => { throw new Error('EPIPE: broken pipe'); } };
    const code = await runHbctl(['config', 'check', '--config-dir', example('two-node-nginx/master1')], io);
    expect(code).toBe(70);
    expect(base.err()).toBe('hbctl: internal error: EPIPE: broken pipe\nThis is a bug in hbctl; run with HBD_DEBUG=1 for details and please report it.\n');
  });

  test('the daemon commands are registered and their exit code comes through (no daemon: 69)', async () => {
    const r = await run(['status', '--run-dir', join(scratch, 'no-daemon')]);
    expect(r.code).toBe(69);
    expect(r.err).toContain('hbd is not running');
  });

  test('runHbctl leaves process.exitCode as it found it', async () => {
    const before = process.exitCode;
    await run(['config', 'check', '--config-dir', join(scratch, 'nope')]);
    expect(process.exitCode).toBe(before);
  });
});
