#!/usr/bin/env node
'use strict';
require('../dist/bin/hbctl.js');
