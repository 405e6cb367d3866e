// Seeds that exposed an engine bug, with the finding they belong to (packages/sim/FINDINGS.md).
// Each one failed on core 4c12b35 with the current swarm and passes since the fix; keep adding
// one whenever a bug found by the simulator is fixed.

import type { ProfileName } from '../src/swarm';

export const REGRESSION_SEEDS: readonly { readonly seed: number; readonly profile: ProfileName; readonly finding: string }[] = [
  { seed: 5, profile: 'ci', finding: 'F6 kill -9 of hbd: the restarted node did not know its services still ran (S1)' },
  { seed: 28, profile: 'ci', finding: 'F6 residue of an unclean stop survived an hbd restart (L1)' },
  { seed: 102, profile: 'ci', finding: 'F6 a restarted hbd shut down "cleanly" leaving services running (E3)' },
  { seed: 153, profile: 'ci', finding: 'F6 rollback stopped members below a leftover it did not know about (S2)' },
  { seed: 52, profile: 'full', finding: 'F6 split brain with a copy unknown to its own node never resolved (S1)' },
  { seed: 89, profile: 'full', finding: 'F8 stale unclean marker stranded a group after cleanup (L1)' },
  { seed: 3758412231, profile: 'full', finding: 'F11 a fence result read after a stall started the group next to the rebooted victim (S5)' },
  { seed: 2242299802, profile: 'full', finding: 'F11 (was O2) takeover on a stale fence after a stall, the peer back and running it (S5)' },
  { seed: 670815868, profile: 'full', finding: 'F12 (was O3) stale unclean marker about a restarted peer stranded hb_takeover (L2)' },
  { seed: 2033941264, profile: 'full', finding: 'F12 stale unclean marker from an older incarnation stranded hb_takeover (L2)' },
  { seed: 3483287142, profile: 'full', finding: 'F12 stale unclean marker stranded hb_standby (L2)' },
  { seed: 1316496693, profile: 'full', finding: 'F12 (was O3) stale unclean marker stranded a hand-over (L2)' },
  { seed: 721403958, profile: 'full', finding: 'F12 guard: an adopted (stuck) copy must not clear the unclean marker (S5 when the O3 fix was too broad)' },
  { seed: 736542256, profile: 'full', finding: 'F12 guard: same, after kill -9 of the adopting hbd (S5)' },
  { seed: 4285178699, profile: 'full', finding: 'F13 (was O5) a cleanup reached only the peers alive at that instant (L1)' },
  { seed: 1380317002, profile: 'full', finding: 'H (harness) hb_takeover of an unheld group is an operator placement before the request completes (L1 expected failback)' },
  { seed: 2176677359, profile: 'full', finding: 'H (was O4, harness) a dead incarnation\'s op result swallowed the new incarnation\'s op with the same id (L1)' },
  { seed: 1466672580, profile: 'full', finding: 'H (was O4, harness) same op-id collision across incarnations: a start never finished (L1)' },
  { seed: 1850850956, profile: 'full', finding: 'F14 hb_takeover started a group while a live peer\'s claims were not yet read (its first packet was no heartbeat; it died holding the group) (S5)' },
];
