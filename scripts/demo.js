#!/usr/bin/env node
'use strict';
// `pnpm demo` (after `pnpm build`): a live two-node hbd cluster on loopback, no root needed.
// Two hbd daemons (alpha on 127.0.0.2, beta on 127.0.0.3) hold one resource group (a tiny HTTP
// service plus a Dummy resource); the demo shows `hbctl status`, kills the active node as a power
// loss would, measures the takeover, brings the node back, measures the failback, and cleans up.
// The same engine runs the seed tutorial's nginx cluster: `hbctl config check --config-dir
// examples/two-node-nginx` shows it (see docs/guides/getting-started.md).
const { runLoopbackDemo } = require('../packages/daemon/dist');

runLoopbackDemo().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
