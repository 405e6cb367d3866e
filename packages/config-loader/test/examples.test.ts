// CI config-checks every example: each node directory under examples/ must load without errors.
// authkeys is copied to a temporary directory with mode 600 (git does not keep that mode).
import { afterAll, describe, expect, test } from '@jest/globals';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic } from '@hbd/config';
import { loadClusterConfig } from '../src/index';

const examples = join(__dirname, '../../../examples');
const nodeDirs = readdirSync(examples, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .flatMap((e) =>
    readdirSync(join(examples, e.name), { withFileTypes: true })
      .filter((n) => n.isDirectory() && existsSync(join(examples, e.name, n.name, 'ha.cf')))
      .map((n) => `${e.name}/${n.name}`),
  );
const scratch = mkdtempSync(join(tmpdir(), `hbd-examples-${process.pid}-`));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// The interface check depends on the machine: in this test the nodes' interfaces exist.
const net = join(scratch, 'net');
for (const iface of ['eth0', 'eth1']) mkdirSync(join(net, iface), { recursive: true });

function loadCopy(rel: string) {
  const dir = join(scratch, rel);
  cpSync(join(examples, rel), dir, { recursive: true });
  chmodSync(join(dir, 'authkeys'), 0o600);
  return loadClusterConfig({ configDir: dir, netDir: net });
}

describe('examples', () => {
  test('there are the two-node examples, each with a README and one directory per node', () => {
    expect(nodeDirs).toEqual(expect.arrayContaining(['two-node-nginx/master1', 'two-node-nginx/master2', 'two-node-nginx-drbd/master1', 'two-node-nginx-drbd/master2']));
    for (const rel of nodeDirs) expect(existsSync(join(examples, rel.split('/')[0] as string, 'README.md'))).toBe(true);
  });

  test.each(nodeDirs)('%s passes the configuration check cleanly', (rel) => {
    const r = loadCopy(rel);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(r.localNode).toBe(readFileSync(join(examples, rel, 'nodeinfo'), 'utf8').trim());
    expect(r.localNodeSource).toBe('nodeinfo');
    for (const g of r.config?.groups ?? []) for (const res of g.resources) expect([res.token, res.agent?.kind]).toEqual([res.token, 'hbd']);
  });

  test.each(['two-node-nginx', 'two-node-nginx-drbd'])('%s: both nodes describe the same cluster (same digest), with mirrored links', (name) => {
    const m1 = loadCopy(`${name}/master1`).config;
    const m2 = loadCopy(`${name}/master2`).config;
    expect(m1?.digest).toBe(m2?.digest);
    expect(m1?.media.map((m) => m.kind === 'ucast' && m.peer)).toEqual(['10.1.1.2', '192.168.42.13']);
    expect(m2?.media.map((m) => m.kind === 'ucast' && m.peer)).toEqual(['10.1.1.1', '192.168.42.12']);
    for (const f of ['haresources', 'authkeys']) expect(readFileSync(join(examples, name, 'master1', f), 'utf8')).toBe(readFileSync(join(examples, name, 'master2', f), 'utf8'));
  });

  test('the drbd example starts the disk before the services that use it', () => {
    const g = loadCopy('two-node-nginx-drbd/master1').config?.groups[0];
    expect(g?.resources.map((r) => r.name)).toEqual(['IPaddr', 'drbddisk', 'Filesystem', 'nginx', 'mysqld']);
  });

  test('checked in place, a group- or world-readable authkeys (git checks it out 644) is refused with the chmod to run', () => {
    const dir = join(examples, 'two-node-nginx/master1');
    const readableByOthers = (statSync(join(dir, 'authkeys')).mode & 0o044) !== 0;
    const r = loadClusterConfig({ configDir: dir, netDir: net });
    expect(r.diagnostics.filter((d) => d.code === 'HB_CFG_AUTHKEYS_MODE').map((d) => d.hint)).toEqual(readableByOthers ? [`chmod 600 ${join(dir, 'authkeys')}`] : []);
  });
});
