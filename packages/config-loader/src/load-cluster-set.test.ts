import { afterEach, describe, expect, test } from '@jest/globals';
import { isNodeDirectorySet, loadClusterConfigSet } from './load-cluster-set';
import { AUTHKEYS, HA_CF, HARESOURCES, type TmpTree, tmpTree } from '../test/tmp-config';

let tree: TmpTree | undefined;
afterEach(() => tree?.remove());

function set(files: Record<string, string>): TmpTree {
  const t = tmpTree();
  for (const [rel, content] of Object.entries(files)) t.file(rel, content, rel.endsWith('authkeys') ? 0o600 : 0o644);
  t.script('agents/IPaddr');
  t.script('init.d/web');
  t.file('net/lo/x', '');
  return t;
}
const node = (name: string, haCf = HA_CF, extra: Record<string, string> = {}) => ({
  [`c/${name}/ha.cf`]: haCf,
  [`c/${name}/haresources`]: HARESOURCES,
  [`c/${name}/authkeys`]: AUTHKEYS,
  ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`c/${name}/${k}`, v])),
});
const load = (t: TmpTree) => loadClusterConfigSet({ configDir: t.path('c'), agentsDir: t.path('agents'), initDir: t.path('init.d'), netDir: t.path('net') });

describe('loadClusterConfigSet', () => {
  test('each node directory is checked as the node it is named after, and agreeing nodes give no diagnostic', () => {
    tree = set({ ...node('alpha'), ...node('beta') });
    expect(isNodeDirectorySet(tree.path('c'))).toBe(true);
    expect(isNodeDirectorySet(tree.path('c/alpha'))).toBe(false);
    const r = load(tree);
    expect(r.members.map((m) => [m.name, m.result.localNode, m.result.localNodeSource, m.result.diagnostics.length])).toEqual([
      ['alpha', 'alpha', 'directory', 0],
      ['beta', 'beta', 'directory', 0],
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  test('nodeinfo still wins over the directory name', () => {
    tree = set({ ...node('one', HA_CF, { nodeinfo: 'beta\n' }) });
    expect(load(tree).members[0]?.result).toMatchObject({ localNode: 'beta', localNodeSource: 'nodeinfo' });
  });

  test('nodes that describe different clusters are an error naming what differs', () => {
    tree = set({ ...node('alpha'), ...node('beta', HA_CF.replace('auto_failback on', 'auto_failback off')), 'c/beta/authkeys': 'auth 1\n1 sha1 Different' });
    const r = load(tree);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'HB_CFG_NODES_DISAGREE', file: 'beta', line: 0, message: 'beta and alpha describe different clusters: auto_failback on vs off; authkeys: the signing key' }),
    ]);
  });

  test('a node directory that cannot be read is left out of the comparison', () => {
    tree = set({ ...node('alpha'), 'c/beta/ha.cf': HA_CF });
    const r = load(tree);
    expect(r.members[1]?.result.missingInput).toBe(true);
    expect(r.diagnostics).toEqual([]);
  });
});
