import { describe, expect, test } from '@jest/globals';
import { constantTimeEqual, createKeyring, toHex, type Hmac } from './auth';
import { nodeHmac } from '../test/fixtures';

const data = Buffer.from('###\nsome packet bytes');

describe('createKeyring', () => {
  test('signs with the `auth N` key and finds every configured key by index', () => {
    const keyring = createKeyring(
      { activeIndex: 2, keys: [{ index: 1, method: 'sha1', key: 'old' }, { index: 2, method: 'md5', key: 'new' }, { index: 3, method: 'crc', key: '' }] },
      nodeHmac,
    );
    expect(keyring.active.index).toBe(2);
    expect(keyring.active.method).toBe('md5');
    expect(keyring.byIndex(1)?.signatureBytes).toBe(20);
    expect(keyring.byIndex(3)?.signatureBytes).toBe(4);
    expect(keyring.byIndex(4)).toBeUndefined();
  });

  test('sha1 and md5 are HMACs of the key text (Heartbeat §3.3), crc is CRC-32/POSIX big-endian', () => {
    const keyring = createKeyring(
      { activeIndex: 1, keys: [{ index: 1, method: 'sha1', key: 'secretkey' }, { index: 2, method: 'md5', key: 'Hello!' }, { index: 3, method: 'crc', key: '' }] },
      nodeHmac,
    );
    expect(toHex(keyring.byIndex(1)!.sign(data))).toBe(toHex(nodeHmac('sha1', Buffer.from('secretkey'), data)));
    expect(toHex(keyring.byIndex(2)!.sign(data))).toBe(toHex(nodeHmac('md5', Buffer.from('Hello!'), data)));
    expect(toHex(keyring.byIndex(3)!.sign(Buffer.from('123456789')))).toBe('765e7680');
  });

  test('a crc-only keyring needs no HMAC', () => {
    expect(createKeyring({ activeIndex: 0, keys: [{ index: 0, method: 'crc', key: '' }] }, undefined).active.signatureBytes).toBe(4);
  });

  test.each([
    ['auth N not configured', { activeIndex: 2, keys: [{ index: 1, method: 'sha1' as const, key: 'k' }] }, /auth 2/],
    ['index out of range', { activeIndex: 16, keys: [{ index: 16, method: 'sha1' as const, key: 'k' }] }, /outside 0\.\.15/],
    ['index twice', { activeIndex: 1, keys: [{ index: 1, method: 'sha1' as const, key: 'a' }, { index: 1, method: 'md5' as const, key: 'b' }] }, /twice/],
  ])('refuses a keyring with %s', (_name, auth, message) => {
    expect(() => createKeyring(auth, nodeHmac)).toThrow(message);
  });

  test('refuses sha1/md5 keys without an injected HMAC', () => {
    expect(() => createKeyring({ activeIndex: 1, keys: [{ index: 1, method: 'sha1', key: 'k' }] }, undefined)).toThrow(/needs an injected HMAC/);
  });

  test('self-tests the injected HMAC (arguments swapped → refused at start-up, not at every packet)', () => {
    const swapped: Hmac = (method, key, d) => nodeHmac(method, d, key);
    expect(() => createKeyring({ activeIndex: 1, keys: [{ index: 1, method: 'md5', key: 'k' }] }, swapped)).toThrow(/RFC 2202 HMAC-MD5/);
    const hexOut: Hmac = (method, key, d) => Buffer.from(toHex(nodeHmac(method, key, d)));
    expect(() => createKeyring({ activeIndex: 1, keys: [{ index: 1, method: 'sha1', key: 'k' }] }, hexOut)).toThrow(/RFC 2202 HMAC-SHA1/);
  });
});

describe('constantTimeEqual', () => {
  test('equal only for identical bytes of identical length', () => {
    expect(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 4))).toBe(false);
    expect(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  test('looks at every byte (no early exit on the first difference)', () => {
    let reads = 0;
    const spy = new Proxy(Uint8Array.of(9, 2, 3, 4), {
      get(target, prop) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
        return Reflect.get(target, prop, target) as unknown;
      },
    });
    expect(constantTimeEqual(spy, Uint8Array.of(1, 2, 3, 4))).toBe(false);
    expect(reads).toBe(4);
  });
});
