// hbd end to end in network namespaces, with fencing: `stonith_host * external/labswitch …`,
// where labswitch is a small cluster-glue external plugin this test writes. It talks to a "power
// switch" run by the test: the plugin drops a request file and waits for the answer; the switch
// (the test) powers the victim off for real — every process of the victim's network namespace
// killed by PID (hbd, its guardian, nginx), its interface set down — and answers "ok", or
// answers "fail" when the test says the switch is broken. A request from a node that has been
// powered off meanwhile is dropped (it never reached the switch), as in a real fence race.
//
//   1. heartbeat link cut, both nodes still reach the ping node (the classic split brain): both
//      declare the other dead; alpha holds the group and fences at once, beta holds nothing and
//      waits stonith_delay, so alpha fences beta and keeps serving; beta never takes the VIP;
//   2. alpha freezes (SIGSTOP: its VIP still answers from the kernel): beta fences alpha, and
//      only then takes over; without fencing the VIP would answer from two MACs;
//   3. the switch fails: beta's fence fails (CRIT, retried), nothing starts on beta, the frozen
//      alpha keeps the only VIP; the operator makes sure alpha is off, `hbctl cleanup` releases
//      the group and beta takes it.
// After every test the suite checks that no ARP request for the VIP was answered by two MACs.
import { afterAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realTestGate, runCommand } from '@hbd/testkit';
import { DEADTIME_MS, GROUP_START_MS, powerOffNode, until, type ClusterNode, type NetCluster } from './netns-cluster';
import { useNetClusterSuite } from './suite';

const gate = realTestGate('hbd fencing end to end (network namespaces, external STONITH plugin, VIP, nginx)');
const STONITH_DELAY_MS = 2000;

// The plugin and the switch's mailbox: made before the cluster (its ha.cf names them).
const root = gate.enabled ? mkdtempSync(join(tmpdir(), `hbd-fence-${process.pid}-`)) : '/nonexistent';
const pluginDir = join(root, 'plugins');
const switchDir = join(root, 'switch');
if (gate.enabled) {
  mkdirSync(pluginDir, { mode: 0o755 });
  mkdirSync(switchDir, { mode: 0o755 });
  writeFileSync(
    join(pluginDir, 'labswitch'),
    [
      '#!/bin/sh',
      '# cluster-glue external STONITH plugin for the hbd test lab: asks the test\'s power switch.',
      'case "$1" in',
      'getconfignames) echo "switchdir hostlist" ;;',
      'gethosts) echo $hostlist ;;',
      'status) exit 0 ;;',
      'reset|off)',
      '  id="$2.$$"',
      '  echo "$1 $2" > "$switchdir/req.$id.tmp" && mv "$switchdir/req.$id.tmp" "$switchdir/req.$id"',
      '  i=0',
      '  while [ $i -lt 300 ]; do',
      '    if [ -f "$switchdir/ans.$id" ]; then',
      '      answer=$(cat "$switchdir/ans.$id"); echo "switch: $answer"',
      '      case "$answer" in ok*) exit 0 ;; *) exit 1 ;; esac',
      '    fi',
      '    sleep 0.1; i=$((i + 1))',
      '  done',
      '  echo "switch: no answer"; exit 1 ;;',
      '*) exit 1 ;;',
      'esac',
      '',
    ].join('\n'),
  );
  chmodSync(join(pluginDir, 'labswitch'), 0o755);
}
afterAll(() => {
  clearInterval(switchTimer);
  if (gate.enabled) rmSync(root, { recursive: true, force: true });
});

interface SwitchEvent {
  readonly atMs: number;
  readonly requester: string;
  readonly victim: string;
  readonly answer: string;
}

let cluster: NetCluster;
const events: SwitchEvent[] = [];
const poweredOff = new Set<string>();
let switchWorks = true;
let switchTimer: NodeJS.Timeout | undefined;

/** Which node a process belongs to, by its network namespace. */
function nodeOfPid(pid: number): string {
  try {
    const ns = readlinkSync(`/proc/${pid}/ns/net`);
    for (const node of cluster.nodes) {
      if (`net:[${statSync(`/run/netns/${node.lab.netns}`).ino}]` === ns) return node.name;
    }
  } catch {
    // gone
  }
  return '?';
}

/** Power off (netns-cluster's powerOffNode), remembered so the switch ignores the dead node's own requests. */
async function powerOff(node: ClusterNode): Promise<void> {
  poweredOff.add(node.name);
  await powerOffNode(node);
}

/** Power on: what RAM held is gone (the VIP, agent state), the interface comes up, hbd starts. */
async function powerOn(node: ClusterNode): Promise<void> {
  await runCommand(['ip', '-n', node.lab.netns, 'addr', 'del', `${cluster.vip}/24`, 'dev', 'eth0'], { check: false });
  await node.lab.exec(['sh', '-c', 'rm -rf /run/resource-agents/*']);
  await runCommand(['ip', '-n', node.lab.netns, 'link', 'set', 'eth0', 'up']);
  poweredOff.delete(node.name);
  node.start();
}

async function serveSwitch(): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(switchDir);
  } catch {
    return; // removed at the end
  }
  for (const name of names) {
    const match = /^req\.([a-z0-9]+)\.(\d+)$/.exec(name);
    if (match === null) continue;
    const [, victimName, pid] = match as unknown as [string, string, string];
    const request = readFileSync(join(switchDir, name), 'utf8').trim();
    rmSync(join(switchDir, name));
    const requester = nodeOfPid(Number(pid));
    if (poweredOff.has(requester)) continue; // it died before its request reached the switch
    let answer: string;
    const victim = cluster.nodes.find((node) => node.name === victimName);
    if (!switchWorks) answer = 'fail: outlet does not respond';
    else if (victim === undefined) answer = `fail: no outlet for ${victimName}`;
    else {
      if (!poweredOff.has(victim.name)) await powerOff(victim);
      answer = `ok: ${request}: outlet of ${victimName} power-cycled (off)`;
    }
    events.push({ atMs: Date.now(), requester, victim: victimName, answer });
    writeFileSync(join(switchDir, `ans.${victimName}.${pid}.tmp`), answer);
    renameSync(join(switchDir, `ans.${victimName}.${pid}.tmp`), join(switchDir, `ans.${victimName}.${pid}`));
  }
}

useNetClusterSuite(
  gate,
  (ready) => {
    cluster = ready;
    let busy = false;
    switchTimer = setInterval(() => {
      if (busy) return;
      busy = true;
      void serveSwitch().finally(() => (busy = false));
    }, 50);
  },
  {
    extraHaCf: [`stonith_host * external/labswitch ${switchDir} alpha beta`, `stonith_plugin_dir ${pluginDir}`, `stonith_delay ${STONITH_DELAY_MS}ms`, 'stonith_timeout 20'],
  },
);

/** The stonith_host line of the generated ha.cf: where the log lines point. */
let STONITH_LINE = 0;

async function heartbeatsCut(alpha: ClusterNode, beta: ClusterNode, cut: boolean): Promise<void> {
  if (!cut) {
    await alpha.lab.exec(['nft', 'delete', 'table', 'inet', 'hbdcut'], { check: false });
    return;
  }
  await alpha.lab.exec(['nft', 'add', 'table', 'inet', 'hbdcut']);
  for (const hook of ['input', 'output']) {
    await alpha.lab.exec(['nft', 'add', 'chain', 'inet', 'hbdcut', hook, `{ type filter hook ${hook} priority 0 ; }`]);
    await alpha.lab.exec(['nft', 'add', 'rule', 'inet', 'hbdcut', hook, 'ip', hook === 'input' ? 'saddr' : 'daddr', beta.address, 'udp', 'dport', '694', 'drop']);
  }
}


(gate.enabled ? describe : describe.skip)('fencing with an external STONITH plugin (2 nodes, one LAN, ping node on it)', () => {
  test('heartbeat link cut, both reach the ping node: the holder fences the other and keeps serving', async () => {
    const alpha = cluster.node('alpha');
    const beta = cluster.node('beta');
    // hbd names the device it will use at start-up.
    STONITH_LINE = readFileSync(join(alpha.hostDir, 'ha.d', 'ha.cf'), 'utf8').split('\n').findIndex((line) => line.startsWith('stonith_host ')) + 1;
    expect(STONITH_LINE).toBeGreaterThan(0);
    for (const node of cluster.nodes) expect(node.log()).toContain(`fencing: external/labswitch (ha.cf:${STONITH_LINE}); timeout 20 s, delay 2 s when holding no group`);
    // hbctl fence check tries the device without fencing anything.
    const check = await alpha.hbctl(['fence', 'check']);
    expect({ code: check.code, stdout: check.stdout }).toEqual({
      code: 0,
      stdout: `fencing from alpha: 1 device(s) usable from alpha\n  ok      external/labswitch (ha.cf:${STONITH_LINE})  can fence: alpha beta\n          status: exit 0\n`,
    });
    await cluster.settle('alpha');
    const cutAt = Date.now();
    try {
      await heartbeatsCut(alpha, beta, true);
      await until('a fence', () => events.some((e) => e.atMs >= cutAt), DEADTIME_MS + STONITH_DELAY_MS + 15_000);
      // beta's own fence order (after its delay) came from a powered-off machine: dropped.
      await new Promise((resolve) => setTimeout(resolve, STONITH_DELAY_MS + 1000));
      expect(events.filter((e) => e.atMs >= cutAt).map((e) => `${e.requester} -> ${e.victim}`)).toEqual(['alpha -> beta']);
      await until('beta off', () => !beta.running(), 5000);
      const doc = await cluster.waitStatus(alpha, 'alpha to know beta fenced', (d) => d.nodes.find((n) => n.name === 'beta')?.status === 'dead', 10_000);
      expect(doc.groups[0]?.localState).toBe('started');
      const log = alpha.log();
      expect(log).toMatch(new RegExp(`fencing beta with external/labswitch \\(ha\\.cf:${STONITH_LINE}\\): reset`));
      expect(log).toMatch(new RegExp(`beta fenced with external/labswitch \\(ha\\.cf:${STONITH_LINE}\\) in [\\d.]+ m?s: exit 0; output: switch: ok: reset beta`));
      expect(log).toMatch(/beta fenced by alpha/);
      // The VIP stayed with alpha the whole time.
      expect(cluster.probe.arp.filter((round) => round.atMs >= cutAt && round.macs.length > 0).every((round) => round.macs.length === 1 && round.macs[0] === alpha.mac)).toBe(true);
      await cluster.probe.waitHttp('the page from alpha', (sample) => sample.body === 'served by alpha\n', Date.now(), 5000);
    } finally {
      await heartbeatsCut(alpha, beta, false);
    }
    await powerOn(beta);
    await cluster.settle('alpha', 60_000);
  }, 120_000);

  test('a frozen holder is fenced before its group is taken over', async () => {
    const alpha = cluster.node('alpha');
    const beta = cluster.node('beta');
    await cluster.settle('alpha');
    const frozenAt = Date.now();
    alpha.signal('SIGSTOP'); // the kernel still answers ARP for alpha's VIP
    const betaDoc = await cluster.waitStatus(beta, 'beta holding the group', (doc) => doc.groups[0]?.localState === 'started', DEADTIME_MS + STONITH_DELAY_MS + GROUP_START_MS + 20_000);
    expect(betaDoc.nodes.find((node) => node.name === 'alpha')?.status).toBe('dead');
    const fence = events.find((e) => e.atMs >= frozenAt);
    expect(fence).toMatchObject({ requester: 'beta', victim: 'alpha', answer: expect.stringMatching(/^ok/) });
    const betaArp = await cluster.probe.waitArp('the VIP from beta', (round) => round.macs.length === 1 && round.macs[0] === beta.mac, frozenAt, 10_000);
    expect(betaArp.atMs).toBeGreaterThan((fence as SwitchEvent).atMs); // taken over only after the fence
    const log = beta.log();
    expect(log).toMatch(/waiting 2 s before fencing alpha \(stonith_delay: beta holds no group/);
    expect(log).toMatch(new RegExp(`alpha fenced with external/labswitch \\(ha\\.cf:${STONITH_LINE}\\)`));
    await powerOn(alpha);
    await cluster.settle('alpha', 60_000);
  }, 150_000);

  test('the fence fails: nothing starts on the survivor, the log is CRIT; cleanup after the operator checked releases it', async () => {
    const alpha = cluster.node('alpha');
    const beta = cluster.node('beta');
    await cluster.settle('alpha');
    switchWorks = false;
    const frozenAt = Date.now();
    alpha.signal('SIGSTOP');
    try {
      await until('two refused fences (the first and its retry 5 s later)', () => events.filter((e) => e.atMs >= frozenAt).length >= 2, DEADTIME_MS + STONITH_DELAY_MS + 20_000);
      const doc = await beta.status();
      expect(doc.nodes.find((node) => node.name === 'alpha')?.status).toBe('dead');
      expect(doc.groups[0]?.localState).toBe('stopped');
      expect(await beta.hasVip()).toBe(false);
      const log = beta.log();
      expect(log).toMatch(new RegExp(`CRIT: fencing alpha with external/labswitch \\(ha\\.cf:${STONITH_LINE}\\) FAILED after [\\d.]+ m?s: exit 1; output: switch: fail: outlet does not respond`));
      expect(log).toMatch(/CRIT: cannot fence alpha: no device succeeded/);
      expect(log).toMatch(/fencing alpha FAILED \(by beta\)/);
      // The operator makes sure alpha is off (by hand), then vouches for it.
      await powerOff(alpha);
      const cleanup = await beta.hbctl(['cleanup', cluster.group]);
      expect(cleanup.code).toBe(0);
      await cluster.waitStatus(beta, 'beta holding the group after the cleanup', (d) => d.groups[0]?.localState === 'started', GROUP_START_MS + 15_000);
      await cluster.probe.waitArp('the VIP from beta', (round) => round.macs.length === 1 && round.macs[0] === beta.mac, frozenAt, 10_000);
    } finally {
      switchWorks = true;
    }
    await powerOn(alpha);
    await cluster.settle('alpha', 60_000);
  }, 150_000);
});
