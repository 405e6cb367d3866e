// Where the lab finds things in the repository (src/ and dist/ are both two levels below the root
// of packages/lab, so these hold for the TypeScript sources under jest and for the built code).
import { resolve } from 'node:path';

export const LAB_PACKAGE_DIR = resolve(__dirname, '..');
export const REPO_ROOT = resolve(__dirname, '../../..');
export const ARP_PROBE_SCRIPT = resolve(LAB_PACKAGE_DIR, 'scripts/arp-probe.py');
export const HBD_BIN = resolve(REPO_ROOT, 'packages/daemon/bin/hbd.js');
export const HBD_DIST_ENTRY = resolve(REPO_ROOT, 'packages/daemon/dist/bin/hbd.js');
export const HBCTL_BIN = resolve(REPO_ROOT, 'packages/cli/bin/hbctl.js');
export const HBCTL_DIST_ENTRY = resolve(REPO_ROOT, 'packages/cli/dist/bin/hbctl.js');
export const DUMMY_AGENT = resolve(REPO_ROOT, 'resource-agents/Dummy');
export const BENCH_RESULTS_DIR = resolve(REPO_ROOT, 'bench-results');
