// The reference docs are checked against the code: ha.cf.md is generated from the directive
// table, diagnostics.md must list exactly the registered codes.
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_DIAGNOSTIC_CODES, DIAGNOSTIC_CODES, GEN_DOCS_COMMAND, HA_CF_REFERENCE_PATH, renderHaCfReference, type DiagnosticCode } from '../src/index';

const repo = join(__dirname, '../../..');

describe('docs/reference/ha.cf.md', () => {
  test('is up to date with the directive table', () => {
    const onDisk = readFileSync(join(repo, HA_CF_REFERENCE_PATH), 'utf8');
    if (onDisk !== renderHaCfReference()) {
      throw new Error(`${HA_CF_REFERENCE_PATH} is stale: regenerate it with \`${GEN_DOCS_COMMAND}\` and commit the result`);
    }
  });
});

describe('docs/reference/diagnostics.md', () => {
  const doc = readFileSync(join(repo, 'docs/reference/diagnostics.md'), 'utf8');
  const headings = [...doc.matchAll(/^### (HB_CFG_[A-Z0-9_]+)\n(error|warning)\./gm)].map((m) => ({ code: m[1] as string, severity: m[2] as string }));

  test('documents every registered code with its severity', () => {
    for (const code of ALL_DIAGNOSTIC_CODES) {
      const h = headings.find((x) => x.code === code);
      expect([code, h?.severity]).toEqual([code, DIAGNOSTIC_CODES[code].severity]);
    }
  });

  test('documents no code that does not exist, and each once', () => {
    const mentioned = new Set(doc.match(/HB_CFG_[A-Z0-9_]+/g) ?? []);
    for (const code of mentioned) expect([code, code in DIAGNOSTIC_CODES]).toEqual([code, true]);
    expect(headings.map((h) => h.code).sort()).toEqual([...ALL_DIAGNOSTIC_CODES].sort());
    expect(new Set(headings.map((h) => h.code)).size).toBe(headings.length);
  });

  test('every code has a title for --json consumers', () => {
    for (const code of ALL_DIAGNOSTIC_CODES) expect(DIAGNOSTIC_CODES[code as DiagnosticCode].title.length).toBeGreaterThan(10);
  });
});
