// Heartbeat's time syntax (cluster-glue cl_get_msec), reproduced exactly: a number made of
// [0-9.] read like atof, optional blanks, optional unit. No unit = seconds; a unit starting with
// "ms" = milliseconds, starting with "us" = microseconds (case-insensitive). Rounded to the
// nearest millisecond. Everything else is invalid: there is no "s", "m" or "h" suffix.

export type TimeParse =
  | { readonly ok: true; readonly ms: number; readonly unusual?: string }
  | { readonly ok: false; readonly reason: string; readonly hint?: string };

const WHITESPACE = ' \t\n\r\f';
const NUMCHARS = '0123456789.';

function spanOf(s: string, from: number, set: string): number {
  let i = from;
  while (i < s.length && set.includes(s[i] as string)) i += 1;
  return i;
}

/** atof over a [0-9.] run: the longest prefix that is a decimal number ("1.2.3" reads as 1.2). */
function atofDigits(run: string): number {
  const m = /^\d*(?:\.\d*)?/.exec(run);
  const text = m ? m[0] : '';
  const value = Number.parseFloat(text.startsWith('.') ? `0${text}` : text);
  return Number.isFinite(value) ? value : 0;
}

export function parseHeartbeatTime(input: string): TimeParse {
  const start = spanOf(input, 0, WHITESPACE);
  const numberEnd = spanOf(input, start, NUMCHARS);
  const unitStart = spanOf(input, numberEnd, WHITESPACE);
  const run = input.slice(start, numberEnd);
  const unit = input.slice(unitStart);
  if (start >= input.length || !NUMCHARS.includes(input[start] as string)) {
    return invalid(input);
  }
  const lower = unit.toLowerCase();
  let multiplier = 1000;
  let divisor = 1;
  if (lower.startsWith('ms')) {
    multiplier = 1;
  } else if (lower.startsWith('us')) {
    multiplier = 1;
    divisor = 1000;
  } else if (unit !== '' && unit[0] !== '\n' && unit[0] !== '\r') {
    return invalid(input);
  }
  // Same arithmetic as the C code: double, then +0.5 and truncation.
  const ms = Math.trunc((atofDigits(run) * multiplier) / divisor + 0.5);
  const unusual = unusualReason(run, lower);
  return unusual === undefined ? { ok: true, ms } : { ok: true, ms, unusual };
}

function unusualReason(run: string, unit: string): string | undefined {
  if ((run.match(/\./g) ?? []).length > 1 || run === '.') return `the number "${run}" is not a plain decimal`;
  if (unit !== '' && !['ms', 'msec', 'us', 'usec'].includes(unit)) return `the unit "${unit}" is read as "${unit.slice(0, 2)}"`;
  return undefined;
}

function invalid(input: string): TimeParse {
  const text = input.trim();
  const m = /^(\d*\.?\d+|\d+\.)\s*([a-zA-Z]+)$/.exec(text);
  if (m) {
    const [, num, unit] = m as unknown as [string, string, string];
    const u = unit.toLowerCase();
    if (u === 's' || u === 'sec' || u === 'secs' || u === 'second' || u === 'seconds') {
      return { ok: false, reason: `Heartbeat times have no "${unit}" suffix`, hint: `write "${num}" (seconds are the default unit)` };
    }
    if (u === 'm' || u === 'min' || u === 'mins' || u === 'minute' || u === 'minutes') {
      const seconds = Number.parseFloat(num) * 60;
      return { ok: false, reason: `Heartbeat times have no "${unit}" suffix`, hint: `write "${seconds}" (seconds)` };
    }
    if (u === 'h' || u === 'hour' || u === 'hours') {
      const seconds = Number.parseFloat(num) * 3600;
      return { ok: false, reason: `Heartbeat times have no "${unit}" suffix`, hint: `write "${seconds}" (seconds)` };
    }
  }
  if (/^[-+]/.test(text)) return { ok: false, reason: 'times cannot be signed', hint: 'write a plain number of seconds, e.g. "2", or milliseconds, e.g. "500ms"' };
  if (/^(ms|msec|us|usec)$/i.test(text)) {
    return { ok: false, reason: `"${text}" is a unit without a number`, hint: 'write the number and its unit together, without a space: "500ms"' };
  }
  return { ok: false, reason: 'expected seconds ("2", "1.5") or milliseconds ("500ms")', hint: 'Heartbeat time syntax: N (seconds), Nms (milliseconds) or Nus (microseconds)' };
}

/** How hbd prints a duration for people: "2 s", "1.5 s", "500 ms". */
export function formatDurationMs(ms: number): string {
  if (ms >= 1000) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/** How hbd writes a duration into ha.cf: whole seconds as "2", anything else as "1500ms". */
export function formatHeartbeatTime(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : `${ms}ms`;
}
