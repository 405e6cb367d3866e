#!/usr/bin/env node
'use strict';
// `pnpm demo` (after `pnpm build`): until the live cluster demo exists, show what hbd makes of the
// seed tutorial's two-node nginx cluster: `hbctl config check` on its two node directories, which
// prints each node's view of the cluster and checks that both describe the same cluster.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const hbctl = path.join(root, 'packages/cli/bin/hbctl.js');
const example = path.join(root, 'examples/two-node-nginx');
const shown = path.relative(process.cwd(), example) || '.';

// git checks authkeys out readable by everyone; hbd, like Heartbeat, refuses that.
for (const node of ['master1', 'master2']) fs.chmodSync(path.join(example, node, 'authkeys'), 0o600);
console.log(`(chmod 600 ${shown}/master{1,2}/authkeys: git does not keep that mode)\n`);
console.log(`$ hbctl config check --config-dir ${shown}\n`);

const check = spawnSync(process.execPath, [hbctl, 'config', 'check', '--config-dir', example], { stdio: 'inherit' });
console.log('\nA live two-node demo (two hbd daemons in network namespaces, a moving floating IP, nginx) comes with the daemon.');
process.exitCode = check.status === null ? 1 : check.status;
