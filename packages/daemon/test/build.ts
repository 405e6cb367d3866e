// The process tests run the built bin (packages/daemon/bin/hbd.js -> dist). Build hbd and what it
// needs when any of their sources is newer than its compiled file (pnpm test has built already).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/demo/loopback-cluster';

const PACKAGES = ['daemon', 'core', 'wire', 'ipc', 'config', 'config-loader', 'executor', 'cli'];

function stale(packageDir: string): boolean {
  const walk = (dir: string): boolean => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (walk(path)) return true;
        continue;
      }
      if (!entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
      const compiled = join(packageDir, 'dist', path.slice(join(packageDir, 'src').length).replace(/\.ts$/, '.js'));
      if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(path).mtimeMs) return true;
    }
    return false;
  };
  return walk(join(packageDir, 'src'));
}

export function buildDaemon(): void {
  if (process.env.HBD_SKIP_BUILD === '1') return;
  if (!PACKAGES.some((name) => stale(join(REPO_ROOT, 'packages', name)))) return;
  for (const filter of ['@hbd/daemon...', '@hbd/cli...']) {
    const result = spawnSync('pnpm', ['--filter', filter, 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`building ${filter} failed:\n${result.stdout}\n${result.stderr}`);
  }
}
