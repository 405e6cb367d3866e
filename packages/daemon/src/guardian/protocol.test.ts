import { describe, expect, test } from '@jest/globals';
import { decodeFromGuardian, decodeToGuardian, encodeMessage, lineSplitter } from './protocol';

describe('guardian protocol', () => {
  test('messages round-trip; anything else is refused, never thrown', () => {
    for (const message of [
      { t: 'held', groups: ['a', 'b'] },
      { t: 'op', id: 3, group: 'a', token: 'IPaddr2::10.0.0.5', action: 'start' },
      { t: 'opPid', id: 3, pid: 99 },
      { t: 'opDone', id: 3 },
      { t: 'bye' },
    ] as const) {
      expect(decodeToGuardian(encodeMessage(message).trim())).toEqual(message);
    }
    for (const bad of ['', 'nope', '[]', '{"t":"held","groups":[1]}', '{"t":"opPid","id":1,"pid":0}', '{"t":"op","id":1.5}', '{"t":"reboot"}', '{"t":"init","settings":{}}']) {
      expect(decodeToGuardian(bad)).toBeNull();
    }
    expect(decodeFromGuardian('{"t":"ready","pid":12}')).toEqual({ t: 'ready', pid: 12 });
    expect(decodeFromGuardian('{"t":"ready"}')).toBeNull();
    expect(decodeFromGuardian('garbage')).toBeNull();
  });

  test('lines split across chunks; an overlong line is dropped up to its end', () => {
    const lines: string[] = [];
    let overlong = 0;
    const feed = lineSplitter((line) => lines.push(line), () => overlong++, 10);
    feed('{"a"');
    feed(':1}\n\n{"b":2}\nxxxxxxxxxxxxxxxx');
    feed('yyy\n{"c":3}\n');
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    expect(overlong).toBe(1);
  });
});
