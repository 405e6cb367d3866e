// Durations and tables as an operator reads them.

/** 2310 -> "2.31 s"; 61000 -> "61 s"; 3_723_000 -> "1 h 2 min". */
export function seconds(ms: number): string {
  if (ms >= 3_600_000) return `${Math.floor(ms / 3_600_000)} h ${Math.floor((ms % 3_600_000) / 60_000)} min`;
  if (ms >= 600_000) return `${Math.floor(ms / 60_000)} min`;
  const value = Math.round(ms / 10) / 100;
  return `${Number.isInteger(value) ? value.toFixed(0) : String(value)} s`;
}

export function ago(ms: number | null): string {
  return ms === null ? 'never' : `${seconds(ms)} ago`;
}

/** Left-aligned columns, two spaces apart; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}
