#!/usr/bin/env node
'use strict';
require('../dist/bin/hb_standby.js');
