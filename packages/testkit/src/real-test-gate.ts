// Real tests (network namespaces, mounts, real daemons) need root. Without it they are skipped
// loudly; in CI (HBD_REQUIRE_REAL_TESTS=1) a skip is a failure, so nothing silently stops testing.

export interface RealTestGate {
  readonly enabled: boolean;
  readonly reason: string;
}

export function realTestGate(what: string): RealTestGate {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) return { enabled: true, reason: '' };
  const reason = `${what}: needs root (network namespaces, mounts); run as root to include it`;
  if (process.env.HBD_REQUIRE_REAL_TESTS === '1') {
    throw new Error(`HBD_REQUIRE_REAL_TESTS=1 but ${reason}`);
  }
  // Straight to stderr: jest drops console output of a file whose tests are all skipped.
  process.stderr.write(`\n*** SKIPPED: ${reason} ***\n`);
  return { enabled: false, reason };
}
