// Every agent, library and test stand-in is POSIX sh and shellcheck-clean, and every agent
// follows the one skeleton (style guide §3.9).
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AGENTS_DIR, BUNDLED_AGENTS, STAND_IN_BIN } from './helpers';

const agents = readdirSync(AGENTS_DIR).filter((f) => statSync(join(AGENTS_DIR, f)).isFile() && !f.includes('.'));
const libs = readdirSync(join(AGENTS_DIR, 'lib')).map((f) => join('lib', f));
const standIns = readdirSync(STAND_IN_BIN).map((f) => join('test', 'bin', f));

describe('resource-agents are POSIX sh, shellcheck clean', () => {
  test('the agent list is what the documentation promises', () => {
    expect([...agents].sort()).toEqual([...BUNDLED_AGENTS].sort());
  });

  test.each([...agents, ...libs, ...standIns])('%s', (file) => {
    const run = spawnSync('shellcheck', ['-s', 'sh', '-x', '-S', 'style', file], { cwd: AGENTS_DIR, encoding: 'utf8' });
    if (run.error) throw new Error(`shellcheck could not run (${run.error.message}); install it (Debian: shellcheck)`);
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('every agent follows the skeleton', () => {
  test.each(agents)('%s', (file) => {
    const path = join(AGENTS_DIR, file);
    const text = readFileSync(path, 'utf8');
    expect(statSync(path).mode & 0o111).not.toBe(0); // executable
    expect(text.startsWith('#!/bin/sh\n#\n# ')).toBe(true); // header comment
    expect(text).toContain(`# haresources:`);
    expect(text).toContain('. "${HB_SELF%/*}/lib/hb-shellfuncs"');
    expect(text).toMatch(/_default=/); // *_default variables
    expect(text).toMatch(/\nusage\(\) \{/);
    // name_start/stop/status/validate, in the agent or in the agent-family library it sources
    const family = [...text.matchAll(/\. "\$\{HB_SELF%\/\*\}\/(lib\/hb-[a-z]+)"/g)].map((m) => m[1]).filter((lib) => lib !== 'lib/hb-shellfuncs');
    const code = [text, ...family.map((lib) => readFileSync(join(AGENTS_DIR, lib as string), 'utf8'))].join('\n');
    for (const fn of ['start', 'stop', 'status', 'validate']) expect(code).toMatch(new RegExp(`\\n[a-z]+_${fn}\\(\\) \\{`));
    expect(text.match(/\ncase \$action in\n/g)).toHaveLength(1); // one case block
    expect(text.trimEnd().endsWith('exit $rc')).toBe(true);
  });
});
