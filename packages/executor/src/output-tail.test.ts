import { describe, expect, test } from '@jest/globals';
import { OutputTail } from './output-tail';

describe('OutputTail', () => {
  test('keeps everything when short', () => {
    const t = new OutputTail(100, 5);
    t.push('a\nb');
    t.push('\nc\n');
    expect(t.value()).toBe('a\nb\nc');
  });
  test('keeps the last lines and marks the cut', () => {
    const t = new OutputTail(1000, 2);
    for (let i = 1; i <= 10; i += 1) t.push(`line ${i}\n`);
    expect(t.value()).toBe('[…]\nline 9\nline 10');
  });
  test('memory and size are bounded however much is pushed', () => {
    const t = new OutputTail(64, 20);
    for (let i = 0; i < 10_000; i += 1) t.push('x'.repeat(100));
    expect(t.value().length).toBeLessThanOrEqual(64 + 4);
    expect(t.value().startsWith('[…]')).toBe(true);
  });
});
