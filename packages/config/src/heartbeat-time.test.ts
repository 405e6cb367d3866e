import { describe, expect, test } from '@jest/globals';
import { formatDurationMs, formatHeartbeatTime, parseHeartbeatTime } from './heartbeat-time';
import { parseHeartbeatBoolean } from './heartbeat-boolean';

describe('parseHeartbeatTime (cl_get_msec)', () => {
  test.each([
    ['2', 2000],
    ['1.5', 1500],
    ['.5', 500],
    ['0', 0],
    ['1500ms', 1500],
    ['1500MS', 1500],
    ['1500msec', 1500],
    ['2000000us', 2000],
    ['2000000usec', 2000],
    ['499us', 0],
    ['501us', 1],
    ['1500 ms', 1500], // one token with an inner blank is fine for cl_get_msec itself; ha.cf splits it first
    ['  3', 3000],
    ['1.0005', 1001],
  ])('%j is %d ms', (text, ms) => {
    const r = parseHeartbeatTime(text);
    expect(r).toMatchObject({ ok: true, ms });
  });

  test.each(['10s', '1m', '2h', '0x10', '-5', '+5', 'abc', '', 'ms', ' ', 's2'])('%j is invalid', (text) => {
    expect(parseHeartbeatTime(text).ok).toBe(false);
  });

  test('suffix errors explain Heartbeat has none', () => {
    expect(parseHeartbeatTime('10s')).toEqual({ ok: false, reason: 'Heartbeat times have no "s" suffix', hint: 'write "10" (seconds are the default unit)' });
    expect(parseHeartbeatTime('2m')).toMatchObject({ ok: false, hint: 'write "120" (seconds)' });
  });

  test('values Heartbeat reads leniently are flagged as unusual', () => {
    expect(parseHeartbeatTime('1.2.3')).toMatchObject({ ok: true, ms: 1200, unusual: expect.stringContaining('not a plain decimal') });
    expect(parseHeartbeatTime('5msfoo')).toMatchObject({ ok: true, ms: 5, unusual: expect.stringContaining('"msfoo"') });
    expect(parseHeartbeatTime('5ms')).not.toHaveProperty('unusual');
  });

  test('formatting', () => {
    expect(formatDurationMs(2000)).toBe('2 s');
    expect(formatDurationMs(1500)).toBe('1.5 s');
    expect(formatDurationMs(500)).toBe('500 ms');
    expect(formatHeartbeatTime(2000)).toBe('2');
    expect(formatHeartbeatTime(1500)).toBe('1500ms');
    expect(formatHeartbeatTime(0)).toBe('0');
  });
});

describe('parseHeartbeatBoolean (cl_str_to_boolean)', () => {
  test.each(['true', 'on', 'yes', 'y', '1', 'TRUE', 'On', 'YES', 'Y'])('%j is true', (t) => expect(parseHeartbeatBoolean(t)).toBe(true));
  test.each(['false', 'off', 'no', 'n', '0', 'OFF', 'No'])('%j is false', (t) => expect(parseHeartbeatBoolean(t)).toBe(false));
  test.each(['enable', '2', '', 'yess', 'nope'])('%j is not a boolean', (t) => expect(parseHeartbeatBoolean(t)).toBeUndefined());
});
