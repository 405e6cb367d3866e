// docs/reference/exit-codes.md and exit-codes.ts describe the same codes.
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT_CODES } from '../src/exit-codes';

const doc = readFileSync(join(__dirname, '../../../docs/reference/exit-codes.md'), 'utf8');
const rows = [...doc.matchAll(/^\| (\d+) \| ([A-Z_]+) \| (.+) \|$/gm)].map((m) => ({ code: Number(m[1]), name: m[2] as string, meaning: m[3] as string }));

test('every exit code is documented with its name and meaning', () => {
  expect(rows).toEqual(EXIT_CODES.map((e) => ({ code: e.code, name: e.name, meaning: e.meaning })));
});

test('the page mentions no other exit code name', () => {
  const names = new Set(EXIT_CODES.map((e) => e.name));
  for (const r of rows) expect(names.has(r.name)).toBe(true);
  expect(new Set(rows.map((r) => r.code)).size).toBe(rows.length);
});
