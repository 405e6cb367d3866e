#!/usr/bin/env node
'use strict';
// Rewrites docs/reference/ha.cf.md from the directive table. Run through the package script,
// which builds first: `pnpm --filter @hbd/config gen-docs`.
const fs = require('node:fs');
const path = require('node:path');
const { renderHaCfReference, HA_CF_REFERENCE_PATH } = require('../dist/index.js');

const target = path.resolve(__dirname, '../../..', HA_CF_REFERENCE_PATH);
fs.writeFileSync(target, renderHaCfReference());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
