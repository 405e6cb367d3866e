// Temporary configuration directories for tests: each test gets its own, removed afterwards.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const HA_CF = ['keepalive 2', 'deadtime 30', 'warntime 10', 'initdead 60', 'udpport 694', 'ucast lo 127.0.0.1', 'auto_failback on', 'node alpha beta', 'ping 127.0.0.1'].join('\n') + '\n';
export const HARESOURCES = 'alpha IPaddr::10.213.0.10/24/lo web\n';
export const AUTHKEYS = 'auth 1\n1 sha1 TestSecretTestSecret\n';

export interface TmpTree {
  readonly root: string;
  path(...parts: string[]): string;
  /** Write a file (mode 0644 unless given), creating directories. */
  file(rel: string, content: string, mode?: number): string;
  /** An executable shell script. */
  script(rel: string): string;
  remove(): void;
}

export function tmpTree(prefix = 'hbd-config-loader-'): TmpTree {
  const root = mkdtempSync(join(tmpdir(), `${prefix}${process.pid}-`));
  const tree: TmpTree = {
    root,
    path: (...parts) => join(root, ...parts),
    file(rel, content, mode = 0o644) {
      const p = join(root, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      chmodSync(p, mode);
      return p;
    },
    script(rel) {
      return tree.file(rel, '#!/bin/sh\nexit 0\n', 0o755);
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  return tree;
}

/** A complete cluster directory `etc/` plus agent directories `agents/` and `init.d/` with fake agents. */
export function clusterTree(over: { haCf?: string; haresources?: string; authkeys?: string; authkeysMode?: number } = {}): TmpTree {
  const t = tmpTree();
  t.file('etc/ha.cf', over.haCf ?? HA_CF);
  t.file('etc/haresources', over.haresources ?? HARESOURCES);
  t.file('etc/authkeys', over.authkeys ?? AUTHKEYS, over.authkeysMode ?? 0o600);
  t.script('agents/IPaddr');
  t.script('init.d/web');
  mkdirSync(t.path('net/lo'), { recursive: true });
  return t;
}
