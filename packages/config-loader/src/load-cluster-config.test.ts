import { afterEach, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { formatDiagnostic } from '@hbd/config';
import { loadClusterConfig, type LoadClusterConfigOptions } from './load-cluster-config';
import { clusterTree, type TmpTree, tmpTree } from '../test/tmp-config';

let tree: TmpTree | undefined;
afterEach(() => {
  tree?.remove();
  tree = undefined;
});

function load(t: TmpTree, over: Partial<LoadClusterConfigOptions> = {}) {
  return loadClusterConfig({ configDir: t.path('etc'), agentsDir: t.path('agents'), initDir: t.path('init.d'), netDir: t.path('net'), hostname: () => 'alpha', ...over });
}
const lines = (r: ReturnType<typeof load>) => r.diagnostics.map(formatDiagnostic);

describe('loadClusterConfig', () => {
  test('a clean directory: config, local node, every resource resolved in start order', () => {
    tree = clusterTree();
    const r = load(tree);
    expect(r.diagnostics).toEqual([]);
    expect(r.missingInput).toBe(false);
    expect(r.localNode).toBe('alpha');
    expect(r.localNodeSource).toBe('hostname');
    expect(r.config).toBe(r.normalized);
    expect(r.config?.groups[0]?.resources.map((x) => [x.token, x.agent])).toEqual([
      ['IPaddr::10.213.0.10/24/lo', { path: tree.path('agents/IPaddr'), kind: 'hbd' }],
      ['web', { path: tree.path('init.d/web'), kind: 'lsb' }],
    ]);
  });

  test('resolution order: <config dir>/resource.d, then bundled agents, then init.d', () => {
    tree = clusterTree({ haresources: 'alpha IPaddr::10.213.0.10 web\n' });
    tree.script('etc/resource.d/IPaddr');
    tree.script('agents/web');
    const r = load(tree);
    expect(r.config?.groups[0]?.resources.map((x) => x.agent)).toEqual([
      { path: tree.path('etc/resource.d/IPaddr'), kind: 'heartbeat' },
      { path: tree.path('agents/web'), kind: 'hbd' },
    ]);
  });

  test('a non-executable file or a directory is skipped, as Heartbeat does', () => {
    tree = clusterTree();
    tree.file('etc/resource.d/IPaddr', '#!/bin/sh\n', 0o644);
    mkdirSync(tree.path('agents/web'));
    const r = load(tree);
    expect(r.config?.groups[0]?.resources.map((x) => x.agent?.kind)).toEqual(['hbd', 'lsb']);
  });

  test('an agent found nowhere is an error at the token, with the places searched', () => {
    tree = clusterTree({ haresources: 'alpha IPaddr::10.213.0.10 \\\n   nginx\n' });
    const r = load(tree);
    expect(r.config).toBeUndefined();
    expect(r.normalized?.groups[0]?.resources[1]?.agent).toBeUndefined();
    expect(lines(r)).toEqual([
      `haresources:2:4: error HB_CFG_AGENT_NOT_FOUND: no resource agent "nginx" for "nginx": searched ${tree.path('etc/resource.d/nginx')}, ${tree.path('agents/nginx')}, ${tree.path('init.d/nginx')}\n` +
        `  hint: install it in ${tree.path('etc/resource.d')}/ or ${tree.path('init.d')}/, or check the spelling (names are case-sensitive)`,
    ]);
  });

  test('the hint says when the only candidate is not executable', () => {
    tree = clusterTree({ haresources: 'alpha nginx\n' });
    tree.file('init.d/nginx', '#!/bin/sh\n', 0o644);
    const r = load(tree);
    expect(r.diagnostics[0]).toMatchObject({ code: 'HB_CFG_AGENT_NOT_FOUND', hint: `${tree.path('init.d/nginx')} exists but is not executable: chmod +x ${tree.path('init.d/nginx')}` });
  });

  test('arguments for an init script are reported (LSB scripts get none)', () => {
    tree = clusterTree({ haresources: 'alpha web::/etc/web.conf\n' });
    expect(lines(load(tree))).toEqual([
      `haresources:1:7: warning HB_CFG_LSB_ARGS: "web::/etc/web.conf" resolves to the init script ${tree.path('init.d/web')}, which gets no arguments: "/etc/web.conf" is not passed\n` +
        '  hint: write just "web", or provide a resource.d/web script that takes arguments',
    ]);
  });

  test('authkeys readable by group or others is an error with the chmod to run', () => {
    tree = clusterTree({ authkeysMode: 0o644 });
    const r = load(tree);
    expect(r.config).toBeUndefined();
    expect(r.normalized).toBeDefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'HB_CFG_AUTHKEYS_MODE', hint: `chmod 600 ${tree.path('etc/authkeys')}` })]);
  });

  test('local node: --node, then <config dir>/nodeinfo, then uname -n; lower-cased', () => {
    tree = clusterTree();
    expect(load(tree, { hostname: () => 'ALPHA' }).localNode).toBe('alpha');
    tree.file('etc/nodeinfo', 'Beta\nignored\n');
    expect(load(tree)).toMatchObject({ localNode: 'beta', localNodeSource: 'nodeinfo' });
    expect(load(tree, { node: 'Alpha' })).toMatchObject({ localNode: 'alpha', localNodeSource: 'option' });
  });

  test('a local node that is not listed is an error naming where the name came from', () => {
    tree = clusterTree();
    const r = load(tree, { hostname: () => 'gamma.example.com' });
    expect(r.config).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'HB_CFG_LOCAL_NODE_NOT_LISTED', message: 'this machine is "gamma.example.com" (from uname -n), which is not a node line (nodes: alpha, beta)' })]);
  });

  test('links on interfaces this machine lacks are warnings; skipped when there is no /sys/class/net', () => {
    tree = clusterTree({ haCf: `${'keepalive 2\ndeadtime 30\ninitdead 60\nauto_failback on\nnode alpha beta\nping 127.0.0.1\n'}ucast eth9 10.1.1.2\nbcast eth8:0\n` });
    expect(load(tree).diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(['7:7 HB_CFG_IFACE_MISSING', '8:7 HB_CFG_IFACE_MISSING']);
    expect(load(tree, { netDir: tree.path('no-such-dir') }).diagnostics).toEqual([]);
  });

  test('respawn programs that are not executable here are reported', () => {
    tree = clusterTree({ haCf: `respawn hacluster ${'/nonexistent/ipfail'}\n${'keepalive 2\ndeadtime 30\ninitdead 60\nucast lo 127.0.0.1\nauto_failback on\nnode alpha beta\nping 127.0.0.1\n'}` });
    expect(load(tree).diagnostics.map((d) => d.code)).toEqual(['HB_CFG_NOT_IMPLEMENTED', 'HB_CFG_RESPAWN_NOT_EXECUTABLE']);
  });

  test('HBD_AGENTS_DIR points at another bundled agents directory', () => {
    tree = clusterTree();
    tree.script('other/IPaddr');
    const r = loadClusterConfig({ configDir: tree.path('etc'), initDir: tree.path('init.d'), netDir: tree.path('net'), hostname: () => 'alpha', env: { HBD_AGENTS_DIR: tree.path('other') } });
    expect(r.search.agentsDir).toBe(tree.path('other'));
    expect(r.config?.groups[0]?.resources[0]?.agent?.path).toBe(tree.path('other/IPaddr'));
  });

  test('the default bundled agents directory is the repository\'s resource-agents/', () => {
    tree = clusterTree();
    const r = loadClusterConfig({ configDir: tree.path('etc'), env: {} });
    expect(r.search.agentsDir.endsWith('/resource-agents')).toBe(true);
    expect(r.search.initDir).toBe('/etc/init.d');
  });
});

describe('missing and unreadable input', () => {
  test('a missing directory', () => {
    tree = tmpTree();
    const r = loadClusterConfig({ configDir: tree.path('nope') });
    expect(r.missingInput).toBe(true);
    expect(r.normalized).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'HB_CFG_DIR_MISSING', line: 0 })]);
  });

  test('a file instead of a directory', () => {
    tree = tmpTree();
    tree.file('x', '');
    expect(loadClusterConfig({ configDir: tree.path('x') }).diagnostics[0]).toMatchObject({ code: 'HB_CFG_DIR_MISSING', message: expect.stringContaining('is not a directory') });
  });

  test('one missing file; the files that exist are still checked', () => {
    tree = clusterTree({ haCf: 'keepalive 2\ndeadtme 30\n' });
    rmSync(tree.path('etc/haresources'));
    const r = load(tree);
    expect(r.missingInput).toBe(true);
    expect(r.diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual(['ha.cf:2 HB_CFG_UNKNOWN_DIRECTIVE', 'haresources:0 HB_CFG_FILE_MISSING']);
  });

  test('a directory of per-node directories: one message that names them', () => {
    tree = tmpTree();
    tree.file('cluster/master1/ha.cf', '');
    tree.file('cluster/master2/ha.cf', '');
    const r = loadClusterConfig({ configDir: tree.path('cluster') });
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        code: 'HB_CFG_FILE_MISSING',
        message: `${tree.path('cluster')} has no ha.cf, haresources or authkeys`,
        hint: `this directory holds one configuration per node: use --config-dir ${tree.path('cluster/master1')} (or master2)`,
      }),
    ]);
  });

  test('an unreadable file (a directory named authkeys)', () => {
    tree = clusterTree();
    rmSync(tree.path('etc/authkeys'));
    mkdirSync(tree.path('etc/authkeys'));
    const r = load(tree);
    expect(r.missingInput).toBe(true);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'HB_CFG_FILE_UNREADABLE', file: 'authkeys', hint: 'authkeys must be a file' })]);
  });

  test('a file without read permission (skipped when running as root, who can read anything)', () => {
    tree = clusterTree();
    chmodSync(tree.path('etc/ha.cf'), 0o000);
    const r = load(tree);
    if (process.getuid?.() === 0) {
      expect(r.diagnostics).toEqual([]);
    } else {
      expect(r.diagnostics[0]).toMatchObject({ code: 'HB_CFG_FILE_UNREADABLE', file: 'ha.cf' });
    }
  });
});
