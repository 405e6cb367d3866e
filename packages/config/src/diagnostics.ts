// Building, ordering and printing diagnostics. The text form is GNU style so editors and CI
// annotators can jump to the line: `ha.cf:14:1: error HB_CFG_UNKNOWN_DIRECTIVE: message`.

import type { Diagnostic, SourceLocation } from './model';
import { type DiagnosticCode, severityOf } from './diagnostic-codes';

export function diagnostic(code: DiagnosticCode, at: SourceLocation, message: string, hint?: string): Diagnostic {
  const base: Diagnostic = {
    file: at.file,
    line: at.line,
    column: at.column,
    ...(at.endColumn !== undefined ? { endColumn: at.endColumn } : {}),
    severity: severityOf(code),
    code,
    message,
  };
  return hint === undefined ? base : { ...base, hint };
}

/** A location for a problem that belongs to a file as a whole (line 0: no line to point at). */
export function wholeFile(file: string): SourceLocation {
  return { file, line: 0, column: 0 };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors += 1;
    else warnings += 1;
  }
  return { errors, warnings };
}

const FILE_ORDER = ['ha.cf', 'authkeys', 'haresources'];

/** Stable order: by file (ha.cf, authkeys, haresources, then others), line, column; ties keep input order. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const rank = (file: string): number => {
    const i = FILE_ORDER.indexOf(file);
    return i === -1 ? FILE_ORDER.length : i;
  };
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d.file) - rank(b.d.file) || a.d.file.localeCompare(b.d.file) || a.d.line - b.d.line || a.d.column - b.d.column || a.i - b.i)
    .map((x) => x.d);
}

/** `ha.cf:14:1: error HB_CFG_X: message`, then `  hint: …` on its own line when there is a hint. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const head = `${where}: ${d.severity} ${d.code}: ${d.message}`;
  return d.hint === undefined ? head : `${head}\n  hint: ${d.hint}`;
}
