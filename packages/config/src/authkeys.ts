// authkeys reader, following Heartbeat's auth.c: blank and "#" lines are skipped (a "#" later in a
// line is not a comment), a line starting with "a" is `auth N` (the index used to sign), every
// other line is `N method [key]`. The file mode comes from the caller: this package does no I/O.

import type { AuthConfig, AuthKey, AuthMethod, Diagnostic, SourceLocation } from './model';
import type { DiagnosticCode } from './diagnostic-codes';
import { diagnostic, wholeFile } from './diagnostics';
import { splitLines } from './text-lines';
import { suggestion } from './did-you-mean';

export const AUTH_METHODS: readonly AuthMethod[] = ['sha1', 'md5', 'crc'];
export const MAX_AUTH_INDEX = 15;

export interface AuthkeysParseResult {
  /** Present when an `auth N` line selects an existing key. */
  readonly auth?: AuthConfig;
  readonly diagnostics: Diagnostic[];
}

export interface AuthkeysOptions {
  readonly file?: string;
  /** st_mode of the file (permission bits are enough); checked when given. */
  readonly mode?: number;
  /** The path to show in the chmod hint. */
  readonly path?: string;
}

interface Word {
  readonly text: string;
  readonly location: SourceLocation;
}

export function parseAuthkeys(text: string, options: AuthkeysOptions = {}): AuthkeysParseResult {
  const file = options.file ?? 'authkeys';
  const diagnostics: Diagnostic[] = [];
  const report = (code: DiagnosticCode, at: SourceLocation, message: string, hint?: string): void => {
    diagnostics.push(diagnostic(code, at, message, hint));
  };

  if (options.mode !== undefined && (options.mode & 0o044) !== 0) {
    const mode = (options.mode & 0o777).toString(8).padStart(3, '0');
    const who = [(options.mode & 0o040) !== 0 ? 'its group' : '', (options.mode & 0o004) !== 0 ? 'everyone' : ''].filter((w) => w !== '').join(' and ');
    report('HB_CFG_AUTHKEYS_MODE', wholeFile(file), `authkeys is mode ${mode}, readable by ${who}: Heartbeat refuses to start with it`, `chmod 600 ${options.path ?? file}`);
  }

  let authLine: { index: number; location: SourceLocation } | undefined;
  const keys = new Map<number, { key: AuthKey; location: SourceLocation }>();
  let authAfterKeyReported = false;
  let badAuthLineReported = false; // then "no auth line" would only repeat it

  for (const physical of splitLines(text)) {
    const words = splitWords(physical.text, physical.number, file);
    const first = words[0];
    if (first === undefined || first.text.startsWith('#')) continue;

    if (first.text.startsWith('a')) {
      // sscanf(line, "auth %d"): "auth", optional blanks, a number; the rest is ignored.
      const m = /^auth[ \t\f\v]*([+-]?\d+)/.exec(physical.text.trimStart());
      if (m === null) {
        report('HB_CFG_AUTHKEYS_SYNTAX', first.location, `invalid auth line "${physical.text.trim()}"`, 'write "auth N" where N is the index of the key to sign with, e.g. "auth 1"');
        badAuthLineReported = true;
        continue;
      }
      const index = Number(m[1]);
      if (authLine !== undefined) {
        report('HB_CFG_AUTHKEYS_DUPLICATE_AUTH', first.location, `second auth line (the first is on line ${authLine.location.line})`, 'keep exactly one "auth N" line, at the top');
        continue;
      }
      if (!Number.isInteger(index) || index < 0 || index > MAX_AUTH_INDEX) {
        report('HB_CFG_AUTHKEYS_BAD_INDEX', words[1]?.location ?? first.location, `auth ${m[1]}: key index must be 0 to ${MAX_AUTH_INDEX}`, 'e.g. "auth 1", selecting the key line "1 sha1 …"');
        badAuthLineReported = true;
        continue;
      }
      authLine = { index, location: first.location };
      const earlierKey = keys.get(index);
      if (earlierKey !== undefined) {
        authAfterKeyReported = true;
        report(
          'HB_CFG_AUTHKEYS_AUTH_AFTER_KEY',
          first.location,
          `auth ${index} comes after key line ${index} (line ${earlierKey.location.line}): Heartbeat selects the key while reading it and reports "Auth Key [${index}] not found"`,
          'move the "auth N" line to the top of the file',
        );
      }
      continue;
    }

    const [indexWord, methodWord, keyWord, ...extra] = words as [Word, Word?, Word?, ...Word[]];
    if (!/^\d+$/.test(indexWord.text)) {
      const isMethod = AUTH_METHODS.includes(indexWord.text.toLowerCase() as AuthMethod);
      if (isMethod && authLine !== undefined && !keys.has(authLine.index)) {
        // The seed's `auth 3` / `md5 Hello!`: the index got lost. Report once, then read it as meant.
        const rest = physical.text.trim();
        report('HB_CFG_AUTHKEYS_SYNTAX', indexWord.location, `key line "${rest}" has no index`, `write "${authLine.index} ${rest}" (index first, as "auth ${authLine.index}" expects)`);
        const method = indexWord.text.toLowerCase() as AuthMethod;
        keys.set(authLine.index, { key: { index: authLine.index, method, key: methodWord?.text ?? '' }, location: indexWord.location });
        continue;
      }
      report(
        'HB_CFG_AUTHKEYS_SYNTAX',
        indexWord.location,
        isMethod ? `key line "${physical.text.trim()}" has no index` : `"${physical.text.trim()}" is neither "auth N" nor "N method key"`,
        `write "N method key", e.g. "1 sha1 ${isMethod && methodWord !== undefined ? methodWord.text : 'SomeLongSecret'}"`,
      );
      continue;
    }
    const index = Number(indexWord.text);
    if (methodWord === undefined) {
      report('HB_CFG_AUTHKEYS_SYNTAX', indexWord.location, `key line ${indexWord.text} has no method`, `write "${indexWord.text} sha1 SomeLongSecret"`);
      continue;
    }
    if (index > MAX_AUTH_INDEX) {
      report('HB_CFG_AUTHKEYS_BAD_INDEX', indexWord.location, `key index ${indexWord.text} is not 0 to ${MAX_AUTH_INDEX}`, `use an index from 0 to ${MAX_AUTH_INDEX}`);
      continue;
    }
    const method = AUTH_METHODS.find((m) => m === methodWord.text);
    if (method === undefined) {
      const lower = methodWord.text.toLowerCase();
      report(
        'HB_CFG_AUTHKEYS_BAD_METHOD',
        methodWord.location,
        `auth method "${methodWord.text}" is not sha1, md5 or crc${suggestion(methodWord.text, AUTH_METHODS)}`,
        AUTH_METHODS.includes(lower as AuthMethod) ? 'method names are lower-case' : 'use sha1',
      );
      continue;
    }
    if (method === 'crc' && keyWord !== undefined) {
      report('HB_CFG_AUTHKEYS_CRC_KEY', keyWord.location, 'crc takes no key: Heartbeat rejects this line', `write "${index} crc", or better "${index} sha1 ${keyWord.text}"`);
      continue;
    }
    if (method !== 'crc' && keyWord === undefined) {
      report('HB_CFG_AUTHKEYS_KEY_MISSING', methodWord.location, `${method} needs a key`, `write "${index} ${method} SomeLongSecret"`);
      continue;
    }
    const firstExtra = extra[0];
    if (firstExtra !== undefined && keyWord !== undefined) {
      report(
        'HB_CFG_AUTHKEYS_KEY_TRUNCATED',
        firstExtra.location,
        `the key ends at the first blank: only "${keyWord.text}" is used, "${extra.map((w) => w.text).join(' ')}" is ignored`,
        'use a key without blanks',
      );
    }
    const previous = keys.get(index);
    if (previous !== undefined) {
      report('HB_CFG_AUTHKEYS_DUPLICATE_INDEX', indexWord.location, `key index ${index} is defined again (first on line ${previous.location.line}); this one wins`, 'give each key its own index');
    }
    keys.set(index, { key: { index, method, key: keyWord?.text ?? '' }, location: indexWord.location });
  }

  if (authLine === undefined) {
    if (badAuthLineReported) return { diagnostics };
    report(
      'HB_CFG_AUTHKEYS_NO_AUTH',
      wholeFile(file),
      'no "auth N" line: nothing says which key signs packets',
      keys.size > 0 ? `add "auth ${[...keys.keys()][0]}" as the first line` : 'authkeys needs "auth 1" and a key line such as "1 sha1 SomeLongSecret"',
    );
    return { diagnostics };
  }
  const active = keys.get(authLine.index);
  if (active === undefined) {
    report('HB_CFG_AUTHKEYS_KEY_NOT_FOUND', authLine.location, `auth ${authLine.index} selects key ${authLine.index}, which is not defined`, `add a line "${authLine.index} sha1 SomeLongSecret"`);
    return { diagnostics };
  }
  if (authAfterKeyReported) return { diagnostics };
  if (active.key.method === 'crc') {
    report('HB_CFG_AUTHKEYS_CRC', active.location, 'crc authenticates nothing: anyone on the network can forge heartbeats and take resources', `use "${authLine.index} sha1 SomeLongSecret" on every node`);
  }
  return {
    auth: { activeIndex: authLine.index, keys: [...keys.values()].map((k) => k.key).sort((a, b) => a.index - b.index) },
    diagnostics,
  };
}

function splitWords(text: string, line: number, file: string): Word[] {
  const out: Word[] = [];
  const re = /[^ \t\n\r\f\v]+/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push({ text: m[0], location: { file, line, column: m.index + 1, endColumn: m.index + 1 + m[0].length } });
  }
  return out;
}
