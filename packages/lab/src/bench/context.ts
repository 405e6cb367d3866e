// What every benchmark section shares: options, progress output, the one lab alive at a time (so
// Ctrl-C can tear it down), and where to keep node files.

import { join } from 'node:path';
import type { ClusterLab, ClusterLabOptions } from '../cluster-lab';
import { createClusterLab } from '../cluster-lab';
import type { BenchOptions } from './options';

export class BenchInterrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'BenchInterrupted';
  }
}

export class BenchContext {
  private active: ClusterLab | null = null;
  interrupted = false;

  constructor(
    readonly options: BenchOptions,
    readonly runDir: string,
    private readonly write: (line: string) => void,
  ) {}

  log(line: string): void {
    this.write(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  }

  detail(line: string): void {
    if (this.options.verbose) this.log(`  ${line}`);
  }

  checkInterrupted(): void {
    if (this.interrupted) throw new BenchInterrupted();
  }

  /** Builds a lab, runs `body`, and always cleans up (keeping node files when asked). */
  async withLab<T>(label: string, labOptions: Omit<ClusterLabOptions, 'log'>, body: (lab: ClusterLab) => Promise<T>): Promise<T> {
    this.checkInterrupted();
    const lab = await createClusterLab({ ...labOptions, log: (line) => this.detail(line) });
    this.active = lab;
    try {
      return await body(lab);
    } finally {
      this.active = null;
      if (this.options.keepFiles) await lab.collectFiles(join(this.runDir, 'files', label)).catch(() => undefined);
      const problems = await lab.cleanup();
      if (problems.length > 0) this.log(`cleanup of ${label} left: ${problems.join('; ')}`);
    }
  }

  /** Ctrl-C: stop the lab now (its waits fail), remember it. */
  async interrupt(): Promise<void> {
    this.interrupted = true;
    const lab = this.active;
    this.active = null;
    if (lab !== null) {
      const problems = await lab.cleanup();
      if (problems.length > 0) this.log(`cleanup left: ${problems.join('; ')}`);
    }
  }
}
