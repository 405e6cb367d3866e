// Every HB_WIRE_* code is documented, and the documentation names no code that does not exist.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { WIRE_ERROR_CODES } from './errors';

const doc = readFileSync(join(__dirname, '../../../docs/reference/wire-protocol.md'), 'utf8');

describe('docs/reference/wire-protocol.md ↔ WIRE_ERROR_CODES', () => {
  test('every code has a row in the error table', () => {
    const rows = [...doc.matchAll(/^\| `(HB_WIRE_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect([...rows].sort()).toEqual([...WIRE_ERROR_CODES].sort());
  });

  test('the document mentions no code the package does not have', () => {
    const mentioned = new Set([...doc.matchAll(/HB_WIRE_[A-Z_]*[A-Z]/g)].map((m) => m[0]));
    for (const code of mentioned) expect(WIRE_ERROR_CODES).toContain(code);
  });
});
