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
  private troubled = false;
  private pending: Promise<void> = Promise.resolve();
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
    this.troubled = false;
    let failed = false;
    try {
      return await body(lab);
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      this.active = null;
      // Node files (configs, logs) are kept when asked, and always when something went wrong.
      if (!this.interrupted && (this.options.keepFiles || failed || this.troubled)) {
        const dest = join(this.runDir, 'files', label);
        await lab.collectFiles(dest).catch(() => undefined);
        if (!this.options.keepFiles) this.log(`${label}: node files kept in ${dest}`);
      }
      const problems = await lab.cleanup();
      if (problems.length > 0) this.log(`cleanup of ${label} left: ${problems.join('; ')}`);
    }
  }

  /** Something failed in the current lab: keep its node files for a look afterwards. */
  keepCurrentLabFiles(): void {
    this.troubled = true;
  }

  /** Ctrl-C: stop the lab now (its waits fail), remember it. Await `idle()` before exiting. */
  interrupt(): Promise<void> {
    this.interrupted = true;
    const lab = this.active;
    this.active = null;
    if (lab !== null) {
      this.pending = lab.cleanup().then((problems) => {
        if (problems.length > 0) this.log(`cleanup left: ${problems.join('; ')}`);
      });
    }
    return this.pending;
  }

  /** Resolves when no cleanup started by interrupt() is still running. */
  idle(): Promise<void> {
    return this.pending;
  }
}
