// Splitting configuration text into physical lines and located tokens. Columns are 1-based
// character positions; `endColumn` is one past the last character.

export interface Token {
  readonly text: string;
  readonly line: number;
  readonly column: number;
  readonly endColumn: number;
}

export interface PhysicalLine {
  readonly number: number; // 1-based
  readonly text: string; // without the "\n"
}

export function splitLines(text: string): PhysicalLine[] {
  const parts = text.split('\n');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((t, i) => ({ number: i + 1, text: t }));
}

export function skipSet(s: string, from: number, set: string): number {
  let i = from;
  while (i < s.length && set.includes(s[i] as string)) i += 1;
  return i;
}

export function skipUntilSet(s: string, from: number, set: string): number {
  let i = from;
  while (i < s.length && !set.includes(s[i] as string)) i += 1;
  return i;
}

/** Split `s[from..]` on any character of `delims`, keeping each token's position on line `line`. */
export function tokenize(s: string, line: number, from: number, delims: string): Token[] {
  const tokens: Token[] = [];
  let i = skipSet(s, from, delims);
  while (i < s.length) {
    const end = skipUntilSet(s, i, delims);
    tokens.push({ text: s.slice(i, end), line, column: i + 1, endColumn: end + 1 });
    i = skipSet(s, end, delims);
  }
  return tokens;
}

/** Bytes the string takes in UTF-8 (Heartbeat's line buffers count bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** The UTF-8 bytes of a string (pure packages have no TextEncoder). Lone surrogates become U+FFFD. */
export function utf8Bytes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    let cp = ch.codePointAt(0) as number;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return out;
}
