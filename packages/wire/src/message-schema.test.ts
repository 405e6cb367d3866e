import { describe, expect, test } from '@jest/globals';
import { MESSAGE_TYPE_CODES } from '@hbd/core';
import { hasSchema, jsonProblem, payloadProblem } from './message-schema';

describe('message schemas', () => {
  test('the type codes on the wire never change (MESSAGE_TYPE_CODES is append-only)', () => {
    expect(MESSAGE_TYPE_CODES).toMatchObject({ heartbeat: 1, groupRequest: 2, groupReleased: 3, leaving: 4, ack: 5, groupCleanup: 6, nodeFenced: 7 });
  });

  test('kinds without a full schema still work, checked generically (listed here so someone adds one)', () => {
    const generic = Object.keys(MESSAGE_TYPE_CODES).filter((type) => !hasSchema(type));
    if (generic.length > 0) {
      console.warn(`@hbd/wire: message kinds checked only generically (add a schema in message-schema.ts): ${generic.join(', ')}`);
    }
    for (const type of ['heartbeat', 'groupRequest', 'groupReleased', 'leaving', 'ack', 'groupCleanup', 'nodeFenced']) expect(hasSchema(type)).toBe(true);
  });

  test('a full schema names the field that is wrong', () => {
    expect(payloadProblem('groupRequest', { msgId: 1, groups: ['a', ''], reason: 'standby' })).toBe('groupRequest: groups[1] must be a non-empty string');
    expect(payloadProblem('groupReleased', { msgId: 1, groups: [], to: 7 })).toBe('groupReleased: to must be a non-empty string');
    expect(payloadProblem('groupReleased', { msgId: 1, groups: [], to: 'b', reason: 'bored' })).toMatch(/^groupReleased: reason must be one of standby\|/);
    expect(payloadProblem('groupReleased', { msgId: 1, groups: [], to: 'b' })).toBeNull();
    expect(payloadProblem('heartbeat', { status: 'up', pingReachable: 0, claims: [], stateSeq: -2 })).toBe('heartbeat: stateSeq must be a non-negative integer, got -2');
    expect(payloadProblem('nodeFenced', { msgId: 1, node: 'alpha' })).toBe('nodeFenced: generation must be a non-negative integer, got undefined');
    expect(payloadProblem('groupCleanup', { msgId: 1, group: '' })).toBe('groupCleanup: group must be a non-empty string');
    expect(payloadProblem('heartbeat', { status: 'up', pingReachable: -1, claims: [] })).toBe('heartbeat: pingReachable must be a non-negative integer, got -1');
    expect(payloadProblem('groupRequest', { msgId: 1, groups: [], reason: 'boredom' })).toBe('groupRequest: reason must be one of takeover|standby|failback|ipfail, got "boredom"');
  });

  test('generic checking refuses what JSON would change or cannot carry', () => {
    expect(jsonProblem({ a: [1, { b: Infinity }] })).toBe('message.a[1].b is Infinity, which JSON cannot carry');
    expect(jsonProblem({ a: new Array<number>(2).fill(1, 1) })).toBe('message.a[0] is undefined'); // a hole
    expect(jsonProblem({ f: () => 1 })).toBe('message.f is a function, which JSON cannot carry');
    expect(jsonProblem({ m: new Map() })).toBe('message.m is a [object Map], not a plain object');
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = [deep];
    expect(jsonProblem(deep)).toMatch(/nested more than 16 levels/);
    expect(jsonProblem({ ok: [null, true, 'x', 0, { n: Object.create(null) as object }] })).toBeNull();
  });
});
