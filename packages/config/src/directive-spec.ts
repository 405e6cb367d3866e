// The shape of one ha.cf directive in the directive table, and the helpers the table's entries
// use to read values. One table (directive-table.ts) drives the parser, the defaults shown by
// `hbctl config defaults`, and docs/reference/ha.cf.md.

import type { SourceLocation } from './model';
import type { DiagnosticCode } from './diagnostic-codes';
import type { HaCfSettings, Located, SingleKey } from './ha-cf-settings';
import type { Token } from './text-lines';
import { parseHeartbeatTime } from './heartbeat-time';
import { BOOLEAN_SYNTAX, parseHeartbeatBoolean } from './heartbeat-boolean';
import { suggestion } from './did-you-mean';

/**
 * - implemented: hbd honours it.
 * - not-implemented: accepted, with an HB_CFG_NOT_IMPLEMENTED warning (never silently ignored).
 * - extension: hbd's own directive; Heartbeat itself would reject it.
 */
export type Support = 'implemented' | 'not-implemented' | 'extension';

export type DirectiveSection = 'timing' | 'media' | 'nodes' | 'failover' | 'logging' | 'processes' | 'resources' | 'heartbeat-internals' | 'pacemaker';

export interface DirectiveSpec {
  readonly name: string;
  /** option: the rest of the line is split on commas and blanks and applied once per word; line: the whole rest of the line. */
  readonly kind: 'option' | 'line';
  readonly section: DirectiveSection;
  readonly syntax: string;
  /** The effective value when the directive is absent, as people read it ("1000ms", "deadtime / 2", "none"). */
  readonly defaultText: string;
  readonly support: Support;
  /** last-wins: a second value replaces the first (warning); once: a second value is an error; accumulates: each adds. */
  readonly repeat: 'last-wins' | 'once' | 'accumulates';
  readonly summary: string;
  /** What Heartbeat 3.0.6 does with it, including bad values. */
  readonly heartbeat: string;
  /** What hbd does with it. */
  readonly hbd: string;
  readonly example: string;
  /** Called once per value word (option) or once with the rest of the line (line). */
  readonly apply: (ctx: DirectiveContext, value: Token) => void;
}

export interface DirectiveContext {
  readonly settings: HaCfSettings;
  readonly file: string;
  readonly spec: DirectiveSpec;
  /** The directive word's own location. */
  readonly directiveLocation: SourceLocation;
  /** For option directives: every value word on the line (to explain "500 ms"). */
  readonly lineTokens: readonly Token[];
  readonly tokenIndex: number;
  at(token: Token): SourceLocation;
  report(code: DiagnosticCode, where: Token | SourceLocation, message: string, hint?: string): void;
  /** Store a single value, applying the directive's repeat rule. Returns false when refused (once-only). */
  setSingle<K extends SingleKey>(key: K, token: Token, value: NonNullable<HaCfSettings[K]> extends Located<infer V> ? V : never): boolean;
  /** Record the value of a directive hbd ignores, applying the directive's repeat rule. */
  setIgnored(token: Token): void;
  /** Emit HB_CFG_NOT_IMPLEMENTED once for this line (with a default hint when none is given). */
  notImplemented(message: string, hint?: string): void;
  /** The UDP port in effect at this line (Heartbeat's media read udpport when they are parsed). */
  currentUdpPort(): number;
}

const COMMENT_HINT = 'ha.cf comments start with "#" ("//" is not a comment)';

/** A hint for values that are really a pasted "// comment". */
export function commentHint(token: Token): string | undefined {
  return token.text.startsWith('//') ? COMMENT_HINT : undefined;
}

export function readTime(ctx: DirectiveContext, token: Token): number | undefined {
  const parsed = parseHeartbeatTime(token.text);
  if (!parsed.ok) {
    const prev = ctx.lineTokens[ctx.tokenIndex - 1];
    const isUnitAlone = /^(ms|msec|us|usec)$/i.test(token.text);
    if (isUnitAlone && prev !== undefined && parseHeartbeatTime(prev.text).ok) {
      ctx.report(
        'HB_CFG_BAD_TIME',
        token,
        `"${token.text}" is not a time: Heartbeat splits "${prev.text} ${token.text}" into two values`,
        `write "${prev.text}${token.text}" without a space`,
      );
    } else {
      ctx.report('HB_CFG_BAD_TIME', token, `${ctx.spec.name} "${token.text}" is not a time: ${parsed.reason}`, commentHint(token) ?? parsed.hint);
    }
    return undefined;
  }
  if (parsed.unusual !== undefined) {
    ctx.report('HB_CFG_TIME_UNUSUAL', token, `${ctx.spec.name} "${token.text}" is read as ${parsed.ms} ms: ${parsed.unusual}`, 'write N (seconds) or Nms (milliseconds)');
  }
  return parsed.ms;
}

/** A time that must be > 0 (positive) or ≥ 0. */
export function timeInto(key: SingleKey, bound: 'positive' | 'non-negative') {
  return (ctx: DirectiveContext, token: Token): void => {
    const ms = readTime(ctx, token);
    if (ms === undefined) return;
    if (bound === 'positive' && ms <= 0) {
      ctx.report('HB_CFG_OUT_OF_RANGE', token, `${ctx.spec.name} must be more than 0 (got ${token.text})`, `e.g. "${ctx.spec.example}"`);
      return;
    }
    ctx.setSingle(key, token, ms as never);
  };
}

export function readBoolean(ctx: DirectiveContext, token: Token): boolean | undefined {
  const b = parseHeartbeatBoolean(token.text);
  if (b === undefined) {
    ctx.report('HB_CFG_BAD_BOOLEAN', token, `${ctx.spec.name} "${token.text}" is not a boolean`, commentHint(token) ?? `use ${BOOLEAN_SYNTAX}`);
  }
  return b;
}

/** A whole number within [min, max]. Heartbeat reads these with atoi and accepts junk as 0; hbd does not. */
export function readInteger(ctx: DirectiveContext, token: Token, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(token.text)) {
    ctx.report('HB_CFG_BAD_NUMBER', token, `${ctx.spec.name} "${token.text}" is not a whole number`, commentHint(token) ?? `write a number from ${min} to ${max}`);
    return undefined;
  }
  const n = Number(token.text);
  if (n < min || n > max) {
    ctx.report('HB_CFG_OUT_OF_RANGE', token, `${ctx.spec.name} ${token.text} is outside ${min}..${max}`, `write a number from ${min} to ${max}`);
    return undefined;
  }
  return n;
}

export function readWord(ctx: DirectiveContext, token: Token, words: readonly string[], caseInsensitive: boolean): string | undefined {
  const found = words.find((w) => (caseInsensitive ? w.toLowerCase() === token.text.toLowerCase() : w === token.text));
  if (found === undefined) {
    ctx.report(
      'HB_CFG_BAD_VALUE',
      token,
      `${ctx.spec.name} "${token.text}" is not one of ${words.join(', ')}${suggestion(token.text, words)}`,
      commentHint(token) ?? `use one of: ${words.join(', ')}`,
    );
  }
  return found;
}

/** Blank-separated words of a whole-line value, with positions. */
export function words(token: Token): Token[] {
  const out: Token[] = [];
  const re = /[^ \t\f\v\r\n]+/g;
  for (let m = re.exec(token.text); m !== null; m = re.exec(token.text)) {
    const column = token.column + m.index;
    out.push({ text: m[0], line: token.line, column, endColumn: column + m[0].length });
  }
  return out;
}

/** Applies for directives hbd accepts but does not implement: validate, remember, warn. */
export function ignoredOption(why: string, validate?: (ctx: DirectiveContext, token: Token) => boolean) {
  return (ctx: DirectiveContext, token: Token): void => {
    if (validate !== undefined && !validate(ctx, token)) return;
    ctx.setIgnored(token);
    ctx.notImplemented(`${ctx.spec.name} is accepted but not implemented by hbd: ${why}`);
  };
}
