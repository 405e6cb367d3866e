// The process tests run the built bin (packages/daemon/bin/hbd.js -> dist): build it first.
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../src/demo/loopback-cluster';

/** Builds hbd and what it needs (swc, fast); the process tests run the built bin. */
export function buildDaemon(): void {
  if (process.env.HBD_SKIP_BUILD === '1') return;
  const result = spawnSync('pnpm', ['--filter', '@hbd/daemon...', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building hbd failed:\n${result.stdout}\n${result.stderr}`);
}
