#!/usr/bin/env node
'use strict';
require('../dist/bin/cl_status.js');
