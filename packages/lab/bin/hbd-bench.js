#!/usr/bin/env node
'use strict';
require('../dist/bin/hbd-bench.js');
