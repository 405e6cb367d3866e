// The acceptance test: a configuration with ten different mistakes, checked by the built
// hbctl program (`pnpm build` first; CI's `pnpm test` builds before jest), prints ten diagnostics
// on the right lines and exits 78.
import { afterAll, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(__dirname, '../bin/hbctl.js');
const built = join(__dirname, '../dist/bin/hbctl.js');
const dir = mkdtempSync(join(tmpdir(), `hbd-ten-mistakes-${process.pid}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HA_CF = [
  'keepalive 2',
  'deadtme 30', //                  2:1   unknown directive
  'warntime 10s', //                3:10  no "s" suffix
  'initdead 60',
  'udpport 694',
  'ucast eth1', //                  6:7   no peer
  'ucast lo 127.0.0.1',
  'auto_failback maybe', //         8:15  not on/off/legacy
  'node master1 master2',
  'ping 192.168.42.300', //         10:6  not an address
  'debug 300', //                   11:7  out of range
].join('\n');
const HARESOURCES = [
  'master1 IPaddr::192.168.42.14/25/lo nginx',
  'master3 Dummy::x', //            2:1   not a node
  'master2 Dummy::y nosuchagent', // 3:18  no such agent
].join('\n');
const AUTHKEYS = ['auth 1', '1 sha1 SomeLongSecret', '2 sha256 other'].join('\n'); // 3:3 bad method; and mode 644

test('ten mistakes: ten diagnostics on the right lines, exit 78', () => {
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`pnpm build\` first (pnpm test does)`);
  writeFileSync(join(dir, 'ha.cf'), `${HA_CF}\n`);
  writeFileSync(join(dir, 'haresources'), `${HARESOURCES}\n`);
  writeFileSync(join(dir, 'authkeys'), `${AUTHKEYS}\n`);
  chmodSync(join(dir, 'authkeys'), 0o644);

  const r = spawnSync(process.execPath, [bin, 'config', 'check', '--config-dir', dir, '--node', 'master1'], { encoding: 'utf8', timeout: 30_000 });
  expect(r.status).toBe(78);
  const diagnostics = r.stderr.split('\n').filter((l) => / (error|warning) HB_CFG_/.test(l));
  expect(diagnostics.map((l) => l.replace(/: (error|warning) (HB_CFG_[A-Z_]+):.*$/, ' $1 $2'))).toEqual([
    'ha.cf:2:1 error HB_CFG_UNKNOWN_DIRECTIVE',
    'ha.cf:3:10 error HB_CFG_BAD_TIME',
    'ha.cf:6:7 error HB_CFG_BAD_SYNTAX',
    'ha.cf:8:15 error HB_CFG_BAD_VALUE',
    'ha.cf:10:6 error HB_CFG_BAD_ADDRESS',
    'ha.cf:11:7 error HB_CFG_OUT_OF_RANGE',
    'authkeys error HB_CFG_AUTHKEYS_MODE',
    'authkeys:3:3 error HB_CFG_AUTHKEYS_BAD_METHOD',
    'haresources:2:1 error HB_CFG_GROUP_NODE_UNKNOWN',
    'haresources:3:18 error HB_CFG_AGENT_NOT_FOUND',
  ]);
  // each comes with a hint, the first as in the issue, and the summary is last
  expect(r.stderr).toContain('ha.cf:2:1: error HB_CFG_UNKNOWN_DIRECTIVE: unknown directive "deadtme" (did you mean "deadtime"?)\n  hint: write "deadtime"\n');
  expect(r.stderr.split('\n').filter((l) => l.startsWith('  hint: '))).toHaveLength(10);
  expect(r.stderr.trimEnd().split('\n').pop()).toBe('10 errors, 0 warnings: hbd would refuse this configuration');
  // and the cluster as far as it could be read is still printed
  expect(r.stdout).toContain('Nodes (2)');
  expect(r.stderr).not.toMatch(/\n\s+at /);

  const json = spawnSync(process.execPath, [bin, 'config', 'check', '--config-dir', dir, '--node', 'master1', '--json'], { encoding: 'utf8', timeout: 30_000 });
  expect(json.status).toBe(78);
  const doc = JSON.parse(json.stdout) as { status: { code: number; name: string }; diagnostics: unknown[] };
  expect(doc.status).toMatchObject({ code: 78, name: 'CONFIG' });
  expect(doc.diagnostics).toHaveLength(10);
});
