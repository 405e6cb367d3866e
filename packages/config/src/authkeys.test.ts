import { describe, expect, test } from '@jest/globals';
import { parseAuthkeys } from './authkeys';
import { at, codes } from '../test/helpers';

describe('authkeys grammar (auth.c)', () => {
  test('the Heartbeat sample, uncommented', () => {
    const r = parseAuthkeys('#\n# comment\nauth 2\n1 crc\n2 sha1 HI!\n3 md5 Hello!\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.auth).toEqual({
      activeIndex: 2,
      keys: [
        { index: 1, method: 'crc', key: '' },
        { index: 2, method: 'sha1', key: 'HI!' },
        { index: 3, method: 'md5', key: 'Hello!' },
      ],
    });
  });

  test('index 0 is accepted (the man page is wrong), "auth1" without a blank too, and "#" inside a key is kept', () => {
    const r = parseAuthkeys('  auth0\n0 sha1 sec#ret\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.auth).toEqual({ activeIndex: 0, keys: [{ index: 0, method: 'sha1', key: 'sec#ret' }] });
  });

  test('crc selected: accepted with a warning that it authenticates nothing', () => {
    const r = parseAuthkeys('auth 1\n1 crc\n');
    expect(at(r.diagnostics)).toEqual(['authkeys:2:1 HB_CFG_AUTHKEYS_CRC']);
    expect(r.auth?.keys[0]?.method).toBe('crc');
  });

  test('the seed\'s "auth 3 / md5 Hello!": one error saying the index is missing', () => {
    const r = parseAuthkeys('auth 3\nmd5 Hello!\n');
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'HB_CFG_AUTHKEYS_SYNTAX', line: 2, column: 1, message: 'key line "md5 Hello!" has no index', hint: 'write "3 md5 Hello!" (index first, as "auth 3" expects)' }),
    ]);
  });
});

describe('authkeys diagnostics', () => {
  test.each([
    ['bad auth line', 'auth one\n1 sha1 k', 'authkeys:1:1 HB_CFG_AUTHKEYS_SYNTAX'],
    ['line starting with "a" is an auth line', 'auth 1\nabc\n1 sha1 k', 'authkeys:2:1 HB_CFG_AUTHKEYS_SYNTAX'],
    ['key line without method', 'auth 1\n1', 'authkeys:2:1 HB_CFG_AUTHKEYS_SYNTAX'],
    ['garbage line', 'auth 1\n1 sha1 k\nhello world', 'authkeys:3:1 HB_CFG_AUTHKEYS_SYNTAX'],
    ['index 16', 'auth 1\n1 sha1 k\n16 sha1 k', 'authkeys:3:1 HB_CFG_AUTHKEYS_BAD_INDEX'],
    ['auth 16', 'auth 16\n1 sha1 k', 'authkeys:1:6 HB_CFG_AUTHKEYS_BAD_INDEX'],
    ['unknown method', 'auth 1\n1 sha256 k', 'authkeys:2:3 HB_CFG_AUTHKEYS_BAD_METHOD'],
    ['md5 without key', 'auth 1\n1 md5', 'authkeys:2:3 HB_CFG_AUTHKEYS_KEY_MISSING'],
    ['crc with key', 'auth 1\n1 crc secret', 'authkeys:2:7 HB_CFG_AUTHKEYS_CRC_KEY'],
    ['two auth lines', 'auth 1\nauth 2\n1 sha1 k\n2 sha1 j', 'authkeys:2:1 HB_CFG_AUTHKEYS_DUPLICATE_AUTH'],
    ['auth after its key', '1 sha1 k\nauth 1', 'authkeys:2:1 HB_CFG_AUTHKEYS_AUTH_AFTER_KEY'],
    ['auth selects a missing key', 'auth 2\n1 sha1 k', 'authkeys:1:1 HB_CFG_AUTHKEYS_KEY_NOT_FOUND'],
    ['same index twice', 'auth 1\n1 sha1 k\n1 sha1 j', 'authkeys:3:1 HB_CFG_AUTHKEYS_DUPLICATE_INDEX'],
    ['key with blanks', 'auth 1\n1 sha1 my secret key', 'authkeys:2:11 HB_CFG_AUTHKEYS_KEY_TRUNCATED'],
  ])('%s', (_name, text, expected) => {
    expect(at(parseAuthkeys(text).diagnostics)).toContain(expected);
  });

  test('a bad auth line is reported once, not again as "no auth line"', () => {
    expect(codes(parseAuthkeys('auth 16\n1 sha1 k').diagnostics)).toEqual(['HB_CFG_AUTHKEYS_BAD_INDEX']);
    expect(codes(parseAuthkeys('auth x\n1 sha1 k').diagnostics)).toEqual(['HB_CFG_AUTHKEYS_SYNTAX']);
  });

  test('no auth line at all, and an empty file', () => {
    expect(parseAuthkeys('1 sha1 k').diagnostics[0]).toMatchObject({ code: 'HB_CFG_AUTHKEYS_NO_AUTH', line: 0, hint: 'add "auth 1" as the first line' });
    expect(codes(parseAuthkeys('').diagnostics)).toEqual(['HB_CFG_AUTHKEYS_NO_AUTH']);
  });

  test('upper-case methods are not accepted, and the hint says why', () => {
    expect(parseAuthkeys('auth 1\n1 SHA1 k').diagnostics[0]).toMatchObject({ message: 'auth method "SHA1" is not sha1, md5 or crc (did you mean "sha1"?)', hint: 'method names are lower-case' });
  });

  test('the duplicate-index key wins, as in Heartbeat', () => {
    expect(parseAuthkeys('auth 1\n1 sha1 k\n1 md5 j').auth?.keys).toEqual([{ index: 1, method: 'md5', key: 'j' }]);
  });

  test('file mode: group- or world-readable is an error, write bits are not checked', () => {
    const text = 'auth 1\n1 sha1 k';
    expect(parseAuthkeys(text, { mode: 0o100600 }).diagnostics).toEqual([]);
    expect(parseAuthkeys(text, { mode: 0o620 }).diagnostics).toEqual([]);
    expect(parseAuthkeys(text, { mode: 0o644, path: '/etc/ha.d/authkeys' }).diagnostics).toEqual([
      expect.objectContaining({ code: 'HB_CFG_AUTHKEYS_MODE', line: 0, message: 'authkeys is mode 644, readable by its group and everyone: Heartbeat refuses to start with it', hint: 'chmod 600 /etc/ha.d/authkeys' }),
    ]);
    expect(parseAuthkeys(text, { mode: 0o640 }).diagnostics[0]?.message).toContain('readable by its group:');
    expect(parseAuthkeys(text, { mode: 0o604 }).diagnostics[0]?.message).toContain('readable by everyone:');
  });
});
