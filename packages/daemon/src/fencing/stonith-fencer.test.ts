// The fencer with stand-in external plugins (small sh scripts in a temp dir): the protocol
// (getconfignames → environment, gethosts, reset <node>, exit status), device selection,
// timeouts, one fence per node at a time, meatware confirmation, and the stonith_delay.
import { afterAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHaCf, type FencingConfig, type StonithDevice } from '@hbd/config';
import { memoryLog } from '../../test/memory-log';
import { findPlugin, pluginEnvironment } from './external-plugin';
import { createStonithFencer, usableDevices, type DeviceDriver, type StonithFencerOptions } from './stonith-fencer';

const dir = mkdtempSync(join(tmpdir(), `hbd-fencer-${process.pid}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function plugin(name: string, body: string, mode = 0o755): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, mode);
  return path;
}

const journal = join(dir, 'journal');
// A well-behaved plugin: two parameters, fences what its hostlist names, records each call.
plugin(
  'good',
  `echo "$* hostlist=$hostlist target=$target" >> ${journal}
case "$1" in
  getconfignames) echo "target hostlist" ;;
  gethosts) echo $hostlist ;;
  reset) echo "power-cycled $2 via $target"; exit 0 ;;
  status) exit 0 ;;
  *) exit 1 ;;
esac`,
);
plugin('broken', 'case "$1" in getconfignames) echo hostlist;; gethosts) echo $hostlist;; reset|status) echo "PDU says no" >&2; exit 1;; esac');
plugin('hangs', 'case "$1" in getconfignames) echo hostlist;; gethosts) echo $hostlist;; reset) sleep 30;; esac');
plugin('writable', 'exit 0', 0o777);

function devices(lines: string): StonithDevice[] {
  const r = parseHaCf(lines);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.settings.stonithDevices;
}

function fencer(lines: string, over: Partial<FencingConfig> = {}, options: Partial<StonithFencerOptions> = {}) {
  const log = memoryLog();
  const fencing: FencingConfig = { devices: devices(lines), timeoutMs: 5000, delayMs: 0, pluginDirs: [dir], ...over };
  const noSsh = (device: StonithDevice): DeviceDriver => ({ device, canFence: () => Promise.resolve({ ok: false, why: 'no ssh in this test' }), reset: () => Promise.reject(new Error('no ssh')), check: () => Promise.reject(new Error('no ssh')) });
  const f = createStonithFencer({ localNode: 'alpha', fencing, log, bundledPluginDir: join(dir, 'bundled'), holdsGroups: () => true, sshDriver: noSsh, ...options });
  return { f, log };
}

describe('external plugin protocol', () => {
  test('parameters map to getconfignames in order, the last takes the rest', () => {
    expect(pluginEnvironment(['hostlist'], ['a', 'b'])).toEqual({ env: { hostlist: 'a b' } });
    expect(pluginEnvironment(['ip', 'user', 'hostlist'], ['10.0.0.1', 'admin', 'a'])).toEqual({ env: { ip: '10.0.0.1', user: 'admin', hostlist: 'a' } });
    expect(pluginEnvironment(['ip', 'user'], ['10.0.0.1'])).toEqual({ error: expect.stringContaining('needs 2 parameter(s) (ip user) but the line gives 1') });
  });

  test('a plugin writable by group or others is not run (as cluster-glue); a missing one is named', () => {
    expect(findPlugin('writable', [dir])).toEqual({ error: expect.stringContaining('writable by group or others') });
    expect(findPlugin('nope', [dir, '/nonexistent'])).toEqual({ error: `no plugin "nope" in ${dir}, /nonexistent` });
    expect(findPlugin('good', ['/nonexistent', dir])).toEqual({ path: join(dir, 'good') });
  });

  test('fences with the first device that lists the victim; the log names device, line and output', async () => {
    const { f, log } = fencer('stonith_host * external/good pdu1 gamma\nstonith_host alpha external/good pdu2 beta gamma');
    await expect(f.fence('beta', 'beta is dead')).resolves.toBe(true);
    expect(log.lines).toContain('info: external/good (ha.cf:1) cannot fence beta (gethosts: gamma)');
    expect(log.lines).toContain('warning: fencing beta with external/good (ha.cf:2): reset');
    expect(log.find(/^notice: beta fenced with external\/good \(ha\.cf:2\) in [\d.]+ s: exit 0; output: power-cycled beta via pdu2$/)).toBeDefined();
    expect(readFileSync(journal, 'utf8')).toContain('reset beta hostlist=beta gamma target=pdu2');
  });

  test('lines for other nodes are not used', () => {
    expect(usableDevices(devices('stonith_host beta external/good x y\nstonith_host * meatware beta\nstonith_host alpha external/good z w'), 'alpha').map((d) => d.location.line)).toEqual([3, 2]);
  });

  test('exit 1: failed, loudly, with the plugin output; the next device is tried', async () => {
    const { f, log } = fencer('stonith_host * external/broken beta\nstonith_host * external/good pdu beta');
    await expect(f.fence('beta', 'x')).resolves.toBe(true);
    expect(log.lines).toContainEqual(expect.stringMatching(/^crit: fencing beta with external\/broken \(ha\.cf:1\) FAILED after [\d.]+ s: exit 1; output: PDU says no$/));
  });

  test('every device failing is a failed fence, and the log says what the operator can do', async () => {
    const { f, log } = fencer('stonith_host * external/broken beta\nstonith_host * baytech 10.0.0.3 login secret');
    await expect(f.fence('beta', 'x')).resolves.toBe(false);
    expect(log.lines).toContainEqual(expect.stringContaining('hbd cannot drive STONITH type "baytech"'));
    expect(log.lines.at(-1)).toMatch(/^crit: cannot fence beta: no device succeeded \(external\/broken \(ha\.cf:1\): failed; baytech \(ha\.cf:2\): failed\); .*hbctl cleanup <group>/);
  });

  test('a plugin that hangs is killed at stonith_timeout and the fence fails', async () => {
    const { f, log } = fencer('stonith_host * external/hangs beta', { timeoutMs: 300 });
    const startedAt = Date.now();
    await expect(f.fence('beta', 'x')).resolves.toBe(false);
    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(log.lines).toContainEqual(expect.stringContaining('killed at the time limit (stonith_timeout)'));
  });

  test('a missing plugin, or no line for this node: failed, never "fenced"', async () => {
    const missing = fencer('stonith_host * external/nope beta');
    missing.f.checkDevices();
    expect(missing.log.lines).toContainEqual(expect.stringMatching(/^error: external\/nope \(ha\.cf:1\): no plugin "nope"/));
    await expect(missing.f.fence('beta', 'x')).resolves.toBe(false);
    const none = fencer('stonith_host beta external/good x alpha');
    await expect(none.f.fence('beta', 'beta is dead')).resolves.toBe(false);
    expect(none.log.lines).toContainEqual(expect.stringContaining('cannot fence beta (beta is dead): no stonith_host line lets alpha fence (lines: beta external/good)'));
  });
});

describe('hbctl fence check', () => {
  test('every device this node may use, tried without fencing: status and hosts', async () => {
    const { f } = fencer('stonith_host * external/good pdu1 beta gamma\nstonith_host * external/broken beta\nstonith_host * external/nope x\nstonith_host alpha meatware beta\nstonith_host * rps10 /dev/ttyS0 beta 1\nstonith_host beta external/good x alpha');
    const before = readFileSync(journal, 'utf8');
    const result = await f.check();
    expect(result).toEqual([
      { device: 'external/good (ha.cf:1)', ok: true, hosts: ['beta', 'gamma'], detail: 'status: exit 0' },
      { device: 'external/broken (ha.cf:2)', ok: false, hosts: ['beta'], detail: 'status: exit 1; output: PDU says no' },
      { device: 'external/nope (ha.cf:3)', ok: false, hosts: [], detail: expect.stringContaining('no plugin "nope"') },
      { device: 'rps10 (ha.cf:5)', ok: false, hosts: [], detail: 'hbd cannot drive STONITH type "rps10": every fence through it fails' },
      { device: 'meatware (ha.cf:4)', ok: true, hosts: ['beta'], detail: 'an operator power-cycles the node and runs "hbctl fence confirm <node>" on alpha' },
    ]);
    expect(readFileSync(journal, 'utf8').slice(before.length)).not.toContain('reset');
  });
});

describe('one fence at a time, meatware, delay', () => {
  test('a second order for a node being fenced shares the answer (one plugin run)', async () => {
    const { f } = fencer('stonith_host * external/good pdu3 delta');
    const before = readFileSync(journal, 'utf8').split('\n').filter((l) => l.startsWith('reset delta')).length;
    const [a, b] = await Promise.all([f.fence('delta', 'x'), f.fence('delta', 'y')]);
    expect([a, b]).toEqual([true, true]);
    expect(readFileSync(journal, 'utf8').split('\n').filter((l) => l.startsWith('reset delta')).length).toBe(before + 1);
  });

  test('meatware waits for the operator, tried after the other devices', async () => {
    const { f, log } = fencer('stonith_host * meatware beta\nstonith_host * external/broken beta');
    expect(f.confirm('beta')).toEqual({ ok: false, message: 'no fence of beta is waiting for an operator on alpha' });
    const fenced = f.fence('beta', 'x');
    for (let i = 0; i < 100 && f.waitingForOperator().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(f.waitingForOperator()).toEqual(['beta']);
    expect(log.lines.findIndex((l) => l.includes('external/broken'))).toBeLessThan(log.lines.findIndex((l) => l.includes('OPERATOR INTERVENTION REQUIRED')));
    expect(log.lines).toContain('crit: OPERATOR INTERVENTION REQUIRED: power-cycle beta by hand (or make sure it is off), then run "hbctl fence confirm beta" on alpha; until then no group of beta starts anywhere');
    expect(f.confirm('gamma').ok).toBe(false);
    expect(f.confirm('beta')).toEqual({ ok: true, message: 'beta confirmed fenced: its groups may be taken over' });
    await expect(fenced).resolves.toBe(true);
  });

  test('meatware abandoned when hbd stops: not fenced', async () => {
    const { f } = fencer('stonith_host * meatware beta');
    const fenced = f.fence('beta', 'x');
    for (let i = 0; i < 100 && f.waitingForOperator().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    f.stop();
    await expect(fenced).resolves.toBe(false);
  });

  test('meatware: the node heard again ends the wait (a late confirmation must not mark a running node fenced)', async () => {
    let generation: number | null = null;
    const { f, log } = fencer('stonith_host * meatware beta', {}, { nodeIncarnation: () => generation });
    const fenced = f.fence('beta', 'x');
    for (let i = 0; i < 100 && f.waitingForOperator().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    generation = 4;
    await expect(fenced).resolves.toBe(false);
    expect(f.waitingForOperator()).toEqual([]);
    expect(f.confirm('beta').ok).toBe(false);
    expect(log.lines.at(-1)).toBe('notice: beta is heard again: fencing it stops here (the engine takes it back as a member)');
    expect(log.lines.some((l) => l.includes('FAILED'))).toBe(false);
  });

  test('a node heard again (or restarted) after the order is not fenced; a live node with an unclean group is', async () => {
    const calls: (number | null)[] = [null, 5];
    const back = fencer('stonith_host * external/good p beta', {}, { nodeIncarnation: () => (calls.length > 1 ? calls.shift()! : calls[0]!) });
    await expect(back.f.fence('beta', 'x')).resolves.toBe(false);
    expect(back.log.lines).toEqual(['notice: beta is heard again: fencing it stops here (the engine takes it back as a member)']);
    const unclean = fencer('stonith_host * external/good p beta', {}, { nodeIncarnation: () => 3 });
    await expect(unclean.f.fence('beta', 'beta could not stop web')).resolves.toBe(true);
  });

  test('stonith_delay: a node holding no group waits first; a holder does not', async () => {
    const slept: number[] = [];
    const sleep = (ms: number): Promise<void> => (slept.push(ms), Promise.resolve());
    const idle = fencer('stonith_host * external/good p beta', { delayMs: 3000 }, { holdsGroups: () => false, sleep });
    await expect(idle.f.fence('beta', 'x')).resolves.toBe(true);
    expect(slept).toEqual([3000]);
    expect(idle.log.lines[0]).toBe('notice: waiting 3 s before fencing beta (stonith_delay: alpha holds no group, so a peer that does may fence first)');
    const holder = fencer('stonith_host * external/good p beta', { delayMs: 3000 }, { holdsGroups: () => true, sleep });
    await expect(holder.f.fence('beta', 'x')).resolves.toBe(true);
    expect(slept).toEqual([3000]);
  });
});
