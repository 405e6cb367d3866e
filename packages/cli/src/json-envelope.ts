// The one JSON document `--json` prints on stdout, for success and failure alike
// (Pacemaker's pacemaker-result pattern, in JSON). Versioned: consumers check apiVersion.

import type { Diagnostic } from '@hbd/config';
import { exitName } from './exit-codes';

export const API_VERSION = '1.0';

export interface JsonEnvelope<D> {
  readonly apiVersion: string;
  readonly request: string;
  readonly status: { readonly code: number; readonly name: string; readonly message: string };
  readonly data: D | null;
  readonly diagnostics: readonly Diagnostic[];
}

export function envelope<D>(request: string, code: number, message: string, data: D | null, diagnostics: readonly Diagnostic[] = []): JsonEnvelope<D> {
  return { apiVersion: API_VERSION, request, status: { code, name: exitName(code), message }, data, diagnostics };
}

export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The command line as typed, for the envelope's `request`. */
export function requestText(argv: readonly string[]): string {
  return ['hbctl', ...argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))].join(' ');
}
