// hbd end to end in network namespaces with manual fencing (`stonith_host * meatware alpha beta`,
// Heartbeat's meatware): the active node freezes (SIGSTOP; its VIP still answers from the
// kernel). beta declares it dead, asks the operator (CRIT "OPERATOR INTERVENTION REQUIRED") and
// starts nothing. A confirmation for a node nobody waits for is refused. The operator powers
// alpha off (every process of its namespace killed by PID, its interface down) and runs
// `hbctl fence confirm alpha` on beta: beta takes over. The VIP never answers from two MACs
// (the suite's check after every test).
import { describe, expect, test } from '@jest/globals';
import { realTestGate } from '@hbd/testkit';
import { DEADTIME_MS, GROUP_START_MS, powerOffNode, until, type NetCluster } from './netns-cluster';
import { useNetClusterSuite } from './suite';

const gate = realTestGate('hbd meatware fencing end to end (network namespaces, hbctl fence confirm, VIP, nginx)');

let cluster: NetCluster;
useNetClusterSuite(
  gate,
  (ready) => {
    cluster = ready;
  },
  { extraHaCf: ['stonith_host * meatware alpha beta'] },
);



(gate.enabled ? describe : describe.skip)('meatware: the operator fences by hand and confirms', () => {
  test('nothing starts until hbctl fence confirm; then beta takes over', async () => {
    const alpha = cluster.node('alpha');
    const beta = cluster.node('beta');
    await cluster.settle('alpha');
    const frozenAt = Date.now();
    alpha.signal('SIGSTOP');
    await until('the request to the operator', () => beta.log().includes('OPERATOR INTERVENTION REQUIRED: power-cycle alpha by hand'), DEADTIME_MS + 10_000);
    expect(beta.log()).toContain('CRIT: OPERATOR INTERVENTION REQUIRED: power-cycle alpha by hand (or make sure it is off), then run "hbctl fence confirm alpha" on beta');
    // Waiting for the operator: no retry, nothing started.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const waiting = await beta.status();
    expect(waiting.nodes.find((node) => node.name === 'alpha')?.status).toBe('dead');
    expect(waiting.groups[0]?.localState).toBe('stopped');
    expect(await beta.hasVip()).toBe(false);
    expect(beta.log().match(/OPERATOR INTERVENTION REQUIRED/g)).toHaveLength(1);
    // A confirmation nobody waits for is refused.
    const wrong = await beta.hbctl(['fence', 'confirm', 'gamma']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('no fence of gamma is waiting for an operator on beta (waiting: alpha)');
    // The operator powers alpha off, then confirms.
    await powerOffNode(alpha);
    const confirmedAt = Date.now();
    const confirm = await beta.hbctl(['fence', 'confirm', 'alpha']);
    expect({ code: confirm.code, stdout: confirm.stdout }).toEqual({ code: 0, stdout: 'alpha confirmed fenced: its groups may be taken over\n' });
    await cluster.waitStatus(beta, 'beta holding the group', (doc) => doc.groups[0]?.localState === 'started', GROUP_START_MS + 15_000);
    const betaArp = await cluster.probe.waitArp('the VIP from beta', (round) => round.macs.length === 1 && round.macs[0] === beta.mac, frozenAt, 10_000);
    expect(betaArp.atMs).toBeGreaterThan(confirmedAt - 1000);
    expect(beta.log()).toMatch(/alpha fenced with meatware \(ha\.cf:\d+\) in [\d.]+ m?s: the operator confirmed it \(hbctl fence confirm\)/);
    expect(beta.log()).toContain('alpha fenced by beta');
  }, 120_000);
});
