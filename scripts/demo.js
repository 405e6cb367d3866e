#!/usr/bin/env node
'use strict';
// `pnpm demo` (after `pnpm build`): until the live cluster demo exists, show what hbd makes of the
// seed tutorial's two-node nginx cluster: `hbctl config check` on master1's configuration, and
// a check that master2's configuration describes the same cluster.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const hbctl = path.join(root, 'packages/cli/bin/hbctl.js');
const example = path.join(root, 'examples/two-node-nginx');
const rel = (p) => path.relative(process.cwd(), p) || '.';

// git checks authkeys out readable by everyone; hbd, like Heartbeat, refuses that.
for (const node of ['master1', 'master2']) fs.chmodSync(path.join(example, node, 'authkeys'), 0o600);
console.log(`(chmod 600 ${rel(example)}/master{1,2}/authkeys: git does not keep that mode)\n`);

console.log(`$ hbctl config check --config-dir ${rel(path.join(example, 'master1'))}\n`);
const check = spawnSync(process.execPath, [hbctl, 'config', 'check', '--config-dir', path.join(example, 'master1')], { stdio: 'inherit' });

const digests = ['master1', 'master2'].map((node) => {
  const r = spawnSync(process.execPath, [hbctl, 'config', 'check', '--config-dir', path.join(example, node), '--json'], { encoding: 'utf8' });
  try {
    const doc = JSON.parse(r.stdout);
    return { node, valid: doc.data && doc.data.valid, digest: doc.data && doc.data.cluster && doc.data.cluster.digest };
  } catch {
    return { node, valid: false, digest: undefined };
  }
});
console.log('');
for (const d of digests) console.log(`${d.node}: ${d.valid ? 'valid' : 'INVALID'}, digest ${d.digest}`);
const same = digests[0].digest !== undefined && digests[0].digest === digests[1].digest;
console.log(same ? 'Both nodes describe the same cluster.' : 'The two nodes disagree about the cluster.');
console.log('\nA live two-node demo (two hbd daemons in network namespaces, a moving floating IP, nginx) comes with the daemon.');

process.exitCode = check.status === 0 && same && digests.every((d) => d.valid) ? 0 : check.status || 1;
