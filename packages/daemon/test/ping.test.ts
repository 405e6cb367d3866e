// Ping targets through the real prober (one long-lived iputils ping per address): a reachable target on
// loopback, and the ipfail case where one node loses its target and the group moves to the node
// that still reaches it. A stand-in `ping` decides per node which target answers (tests may only
// send traffic to loopback).
import { afterEach, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StatusDocument } from '@hbd/ipc';
import { createPingProber } from '../src/ping-prober';
import { eventually, startCluster, type Cluster } from './cluster-harness';
import { freeUdpPort } from './free-port';

let cluster: Cluster | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await cluster?.cleanup();
  cluster = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function status(name: string): Promise<StatusDocument> {
  const client = await cluster!.node(name).client();
  try {
    return await client.call('status', {}, 5000);
  } finally {
    client.close();
  }
}

/** A `ping` stand-in whose answer is read from a file per node: "up" or anything else. */
function switchablePing(name: string, initially: 'up' | 'down'): { command: string; set: (state: 'up' | 'down') => void } {
  const dir = mkdtempSync(join(tmpdir(), `hbd-ping-${name}-`));
  dirs.push(dir);
  const stateFile = join(dir, 'state');
  const command = join(dir, 'ping');
  writeFileSync(stateFile, initially);
  // A continuous `ping -n -O -i S ADDR`: a reply or "no answer yet" per interval (bounded to 600).
  writeFileSync(
    command,
    `#!/bin/sh\ninterval=1; prev=; for a; do [ "$prev" = -i ] && interval=$a; prev=$a; last=$a; done\nseq=1\n` +
      `while [ $seq -le 600 ]; do\n` +
      `  if [ "$(cat '${stateFile}')" = up ]; then echo "64 bytes from $last: icmp_seq=$seq ttl=64 time=0.05 ms"; else echo "no answer yet for icmp_seq=$seq"; fi\n` +
      `  seq=$((seq + 1)); sleep "$interval"\ndone\n`,
  );
  chmodSync(command, 0o755);
  return { command, set: (state) => writeFileSync(stateFile, state) };
}

describe('ping targets', () => {
  test('a reachable target (real iputils ping to 127.0.0.1) gives quorum, shown in status', async () => {
    cluster = await startCluster(['alpha', 'beta'], [['alpha', 'Dummy::web']], {
      port: await freeUdpPort(),
      overrides: { pingTargets: [{ name: '127.0.0.1', kind: 'ping', addresses: ['127.0.0.1'] }], deadpingMs: 1000 },
    });
    const doc = await eventually('the ping target up on alpha', async () => {
      const current = await status('alpha');
      return current.pingTargets[0]?.status === 'up' && current.groups[0]?.localState === 'started' ? current : null;
    });
    expect(doc.quorum).toEqual({ reachable: 1, total: 1, hasQuorum: true });
    expect(doc.nodes.find((node) => node.name === 'beta')?.pingReachable).toBe(1);
  }, 20_000);

  test('ipfail: alpha loses its ping target, beta still reaches it: the group moves to beta', async () => {
    const pings = { alpha: switchablePing('alpha', 'up'), beta: switchablePing('beta', 'up') };
    cluster = await startCluster(['alpha', 'beta'], [['alpha', 'Dummy::web']], {
      port: await freeUdpPort(),
      overrides: { pingTargets: [{ name: 'gw', kind: 'ping_group', addresses: ['127.0.0.1'] }], deadpingMs: 1000 },
      proberFor: (name) => createPingProber({ command: [pings[name as 'alpha' | 'beta'].command], intervalMs: 200 }),
    });
    await eventually('alpha holds the group with quorum', async () => (await status('alpha')).groups[0]?.localState === 'started', 15_000);
    pings.alpha.set('down');
    await eventually('the group on beta', async () => (await status('beta')).groups[0]?.localState === 'started', 20_000);
    const alpha = await status('alpha');
    expect(alpha.pingTargets[0]?.status).toBe('dead');
    expect(alpha.quorum.hasQuorum).toBe(false);
    expect(alpha.groups[0]?.localState).toBe('stopped');
    expect(cluster.node('alpha').log.lines.join('\n')).toMatch(/ping target gw dead: no echo reply for/);
  }, 40_000);
});
