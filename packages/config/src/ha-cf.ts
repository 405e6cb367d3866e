// ha.cf reader, following Heartbeat's config.c line by line: skip leading blanks, cut at "#",
// first word is the directive (case-sensitive); "option" directives are applied once per word of
// the rest split on commas and blanks, "line" directives get the whole rest. Directives take
// effect in file order. Never throws: every problem becomes a diagnostic.

import type { Diagnostic, SourceLocation } from './model';
import type { DiagnosticCode } from './diagnostic-codes';
import { diagnostic } from './diagnostics';
import type { DirectiveContext, DirectiveSpec } from './directive-spec';
import { DIRECTIVE_ALIASES, DIRECTIVE_NAMES, lookupDirective } from './directive-table';
import { emptyHaCfSettings, type HaCfSettings, type Located, type SingleKey } from './ha-cf-settings';
import { DEFAULT_UDP_PORT } from './directives-media';
import { skipSet, skipUntilSet, splitLines, tokenize, type Token, utf8Length } from './text-lines';
import { didYouMean } from './did-you-mean';

const WHITESPACE = ' \t\n\r\f';
const DELIMS = ', \t\n\r\f';
/** Heartbeat reads ha.cf with fgets into a 5120-byte buffer (MAXLINE). */
export const MAX_LINE_BYTES = 5119;

export interface HaCfParseResult {
  readonly settings: HaCfSettings;
  readonly diagnostics: Diagnostic[];
}

export function parseHaCf(text: string, options: { readonly file?: string } = {}): HaCfParseResult {
  const file = options.file ?? 'ha.cf';
  const settings = emptyHaCfSettings();
  const diagnostics: Diagnostic[] = [];
  const report = (code: DiagnosticCode, at: SourceLocation, message: string, hint?: string): void => {
    diagnostics.push(diagnostic(code, at, message, hint));
  };

  for (const physical of splitLines(text)) {
    let line = physical.text;
    const nul = line.indexOf('\0');
    if (nul !== -1) line = line.slice(0, nul); // C strings end at NUL
    if (utf8Length(line) > MAX_LINE_BYTES) {
      report('HB_CFG_LINE_TOO_LONG', { file, line: physical.number, column: 1 }, `line is ${utf8Length(line)} bytes long; Heartbeat reads at most ${MAX_LINE_BYTES}`, 'split it into several lines of the same directive');
      continue;
    }
    const start = skipSet(line, 0, WHITESPACE);
    let end = line.indexOf('#', start);
    if (end === -1) end = line.length;
    const crlf = skipUntilSet(line, start, '\r\n');
    if (crlf < end) end = crlf;
    const content = line.slice(0, end);
    if (start >= content.length) continue;

    const nameEnd = skipUntilSet(content, start, WHITESPACE);
    let name = content.slice(start, nameEnd);
    const directiveLocation: SourceLocation = { file, line: physical.number, column: start + 1, endColumn: nameEnd + 1 };
    const alias = DIRECTIVE_ALIASES[name];
    if (alias !== undefined) {
      report('HB_CFG_DEPRECATED', directiveLocation, `directive "${name}" is the old name of "${alias}"`, `write "${alias}"`);
      name = alias;
    }
    const spec = lookupDirective(name);
    if (spec === undefined) {
      reportUnknown(report, name, directiveLocation);
      continue;
    }
    const seen = settings.seen.get(spec.name) ?? [];
    seen.push(directiveLocation);
    settings.seen.set(spec.name, seen);

    const valueStart = skipSet(content, nameEnd, DELIMS);
    const lineState = { warnedNotImplemented: false };
    if (spec.kind === 'line') {
      const rest = content.slice(valueStart).replace(/[ \t\f\v]+$/, '');
      const token: Token = { text: rest, line: physical.number, column: valueStart + 1, endColumn: valueStart + 1 + rest.length };
      spec.apply(makeContext(spec, settings, file, directiveLocation, [], 0, lineState, report), token);
    } else {
      const tokens = tokenize(content, physical.number, valueStart, DELIMS);
      if (tokens.length === 0) {
        report('HB_CFG_MISSING_VALUE', directiveLocation, `${spec.name} has no value and is ignored`, `e.g. "${spec.example}"`);
      }
      for (const [i, token] of tokens.entries()) {
        spec.apply(makeContext(spec, settings, file, directiveLocation, tokens, i, lineState, report), token);
        // A pasted "// comment" (tutorials use them) is reported once; its other words are not.
        if (token.text.startsWith('//')) break;
      }
    }
  }
  return { settings, diagnostics };
}

function reportUnknown(report: (code: DiagnosticCode, at: SourceLocation, message: string, hint?: string) => void, name: string, at: SourceLocation): void {
  const guess = didYouMean(name, DIRECTIVE_NAMES);
  if (guess !== undefined && guess.toLowerCase() === name.toLowerCase()) {
    report('HB_CFG_UNKNOWN_DIRECTIVE', at, `unknown directive "${name}" (did you mean "${guess}"?)`, 'directive names are case-sensitive');
    return;
  }
  const message = guess === undefined ? `unknown directive "${name}"` : `unknown directive "${name}" (did you mean "${guess}"?)`;
  const hint = name.startsWith('//')
    ? 'ha.cf comments start with "#" ("//" is not a comment)'
    : guess === undefined
      ? 'see docs/reference/ha.cf.md for every directive'
      : `write "${guess}"`;
  report('HB_CFG_UNKNOWN_DIRECTIVE', at, message, hint);
}

function makeContext(
  spec: DirectiveSpec,
  settings: HaCfSettings,
  file: string,
  directiveLocation: SourceLocation,
  lineTokens: readonly Token[],
  tokenIndex: number,
  lineState: { warnedNotImplemented: boolean },
  report: (code: DiagnosticCode, at: SourceLocation, message: string, hint?: string) => void,
): DirectiveContext {
  const at = (token: Token): SourceLocation => ({ file, line: token.line, column: token.column, endColumn: token.endColumn });
  const toLocation = (where: Token | SourceLocation): SourceLocation => ('text' in where ? at(where) : where);

  /** Applies the repeat rule; returns false when the new value must be refused. */
  const admit = (previous: Located<unknown> | undefined, token: Token): boolean => {
    if (previous === undefined) return true;
    if (spec.repeat === 'once') {
      report('HB_CFG_ONCE_ONLY', at(token), `${spec.name} may appear only once (already set to "${previous.raw}" on line ${previous.location.line})`, `keep one ${spec.name} value`);
      return false;
    }
    const sameLine = previous.location.line === token.line;
    report(
      'HB_CFG_DUPLICATE_DIRECTIVE',
      at(token),
      sameLine
        ? `${spec.name} is given two values on one line: "${previous.raw}" is replaced by "${token.text}"`
        : `${spec.name} is set again: "${previous.raw}" from line ${previous.location.line} is replaced by "${token.text}"`,
      token.text.startsWith('//') ? 'ha.cf comments start with "#" ("//" is not a comment)' : `keep one ${spec.name} line with one value`,
    );
    return true;
  };

  return {
    settings,
    file,
    spec,
    directiveLocation,
    lineTokens,
    tokenIndex,
    at,
    report(code, where, message, hint) {
      report(code, toLocation(where), message, hint);
    },
    setSingle<K extends SingleKey>(key: K, token: Token, value: unknown): boolean {
      const previous = settings[key] as Located<unknown> | undefined;
      if (!admit(previous, token)) return false;
      (settings as unknown as Record<string, Located<unknown>>)[key] = { value, location: at(token), raw: token.text };
      return true;
    },
    setIgnored(token) {
      if (!admit(settings.ignored.get(spec.name), token)) return;
      settings.ignored.set(spec.name, { value: token.text, location: at(token), raw: token.text });
    },
    notImplemented(message, hint) {
      if (lineState.warnedNotImplemented) return;
      lineState.warnedNotImplemented = true;
      report('HB_CFG_NOT_IMPLEMENTED', directiveLocation, message, hint ?? `the line is accepted so the file works unchanged with Heartbeat; see docs/reference/ha.cf.md#${spec.name}`);
    },
    currentUdpPort() {
      return settings.udpPort?.value ?? DEFAULT_UDP_PORT;
    },
  };
}
