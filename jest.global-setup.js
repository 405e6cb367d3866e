// Printed once per jest run: whether the real tests (network namespaces, mounts, real daemons)
// will run. Without root they are skipped, and that must be impossible to miss.
module.exports = async () => {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) return;
  const strict = process.env.HBD_REQUIRE_REAL_TESTS === '1';
  process.stderr.write(
    `\n*** Not running as root: the real tests (network namespaces, VIP, nginx, mariadb, loop mounts) ${strict ? 'will FAIL (HBD_REQUIRE_REAL_TESTS=1)' : 'are SKIPPED'}; run as root to include them. ***\n\n`,
  );
};
