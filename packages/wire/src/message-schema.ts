// What a message payload must look like, checked on both sides of the wire: before encoding
// (a core bug must not reach a peer) and after decoding (a peer running other code must not
// hand the core a shape its types do not promise).
//
// A kind appended to MESSAGE_TYPE_CODES without a schema here still works: it travels as
// JSON and is checked generically (a JSON object of finite numbers, strings, booleans, null,
// arrays and objects). Give every kind a schema to get full checking; the test suite lists the
// kinds that fall back. Fields a schema does not know are passed through untouched, so an
// optional field added by the core arrives without any change here.
//
// Enumerations are tied to the core's unions at compile time (`sameMembers`): if the core adds
// a status or reason, this file stops type-checking at the line to update.

import type { AdvertisedStatus, ClusterMessageType, GroupClaim, GroupReleasedMessage, GroupRequestMessage } from '@hbd/core';

type Payload = Readonly<Record<string, unknown>>;
/** null when valid, otherwise what is wrong, for the error message. */
type Check = (payload: Payload) => string | null;

type SameMembers<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function sameMembers<A, B>(_proof: SameMembers<A, B>): void {}

const STATUSES = ['init', 'up', 'active', 'leaving'] as const;
sameMembers<(typeof STATUSES)[number], AdvertisedStatus>(true);
const CLAIM_STATES = ['starting', 'started', 'stopping', 'failed', 'unclean'] as const;
sameMembers<(typeof CLAIM_STATES)[number], GroupClaim['state']>(true);
const REQUEST_REASONS = ['takeover', 'standby', 'failback', 'ipfail'] as const;
sameMembers<(typeof REQUEST_REASONS)[number], GroupRequestMessage['reason']>(true);
const RELEASE_REASONS = ['standby', 'takeover', 'failback', 'ipfail', 'shutdown', 'failed'] as const;
sameMembers<(typeof RELEASE_REASONS)[number], NonNullable<GroupReleasedMessage['reason']>>(true);

/** Upper bound on JSON nesting: deep enough for any message, shallow enough to stay cheap. */
const MAX_DEPTH = 16;

function isPlainObject(value: unknown): value is Payload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Why `value` would not survive JSON.stringify → JSON.parse unchanged, or null if it would. */
export function jsonProblem(value: unknown, path = 'message', depth = 0): string | null {
  if (depth > MAX_DEPTH) return `${path} is nested more than ${MAX_DEPTH} levels deep`;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : `${path} is ${value}, which JSON cannot carry`;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || value[i] === undefined) return `${path}[${i}] is undefined`;
          const problem = jsonProblem(value[i], `${path}[${i}]`, depth + 1);
          if (problem !== null) return problem;
        }
        return null;
      }
      if (!isPlainObject(value)) return `${path} is a ${Object.prototype.toString.call(value)}, not a plain object`;
      for (const [key, field] of Object.entries(value)) {
        if (field === undefined) continue; // dropped by JSON, as an absent optional field
        const problem = jsonProblem(field, `${path}.${key}`, depth + 1);
        if (problem !== null) return problem;
      }
      return null;
    }
    default:
      return `${path} is a ${typeof value}, which JSON cannot carry`;
  }
}

function count(value: unknown, name: string): string | null {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? null : `${name} must be a non-negative integer, got ${JSON.stringify(value) ?? String(value)}`;
}

function name(value: unknown, field: string): string | null {
  return typeof value === 'string' && value.length > 0 ? null : `${field} must be a non-empty string`;
}

function oneOf(value: unknown, allowed: readonly string[], field: string): string | null {
  return typeof value === 'string' && allowed.includes(value) ? null : `${field} must be one of ${allowed.join('|')}, got ${JSON.stringify(value) ?? String(value)}`;
}

/** An optional field: absent (or undefined, which JSON drops) is fine, present must pass `check`. */
function optional(value: unknown, check: (v: unknown) => string | null): string | null {
  return value === undefined ? null : check(value);
}

function names(value: unknown, field: string): string | null {
  if (!Array.isArray(value)) return `${field} must be an array of names`;
  for (let i = 0; i < value.length; i++) {
    const problem = name(value[i], `${field}[${i}]`);
    if (problem !== null) return problem;
  }
  return null;
}

function first(...problems: (string | null)[]): string | null {
  for (const problem of problems) if (problem !== null) return problem;
  return null;
}

function claims(value: unknown): string | null {
  if (!Array.isArray(value)) return 'claims must be an array';
  for (let i = 0; i < value.length; i++) {
    const claim: unknown = value[i];
    if (!isPlainObject(claim)) return `claims[${i}] must be an object`;
    const problem = first(
      name(claim.group, `claims[${i}].group`),
      oneOf(claim.state, CLAIM_STATES, `claims[${i}].state`),
      count(claim.epoch, `claims[${i}].epoch`),
      optional(claim.tentative, (v) => (typeof v === 'boolean' ? null : `claims[${i}].tentative must be true or false`)),
    );
    if (problem !== null) return problem;
  }
  return null;
}

const SCHEMAS: { readonly [K in ClusterMessageType]?: Check } = {
  heartbeat: (p) =>
    first(
      oneOf(p.status, STATUSES, 'status'),
      count(p.pingReachable, 'pingReachable'),
      claims(p.claims),
      optional(p.stateSeq, (v) => count(v, 'stateSeq')),
      optional(p.claimsUnreadable, (v) => (v === true ? null : 'claimsUnreadable must be true when present')),
    ),
  groupRequest: (p) => first(count(p.msgId, 'msgId'), names(p.groups, 'groups'), oneOf(p.reason, REQUEST_REASONS, 'reason')),
  groupReleased: (p) =>
    first(
      count(p.msgId, 'msgId'),
      names(p.groups, 'groups'),
      name(p.to, 'to'),
      optional(p.reason, (v) => oneOf(v, RELEASE_REASONS, 'reason')),
      optional(p.stateSeq, (v) => count(v, 'stateSeq')),
    ),
  leaving: (p) => count(p.msgId, 'msgId'),
  ack: (p) => count(p.msgId, 'msgId'),
  groupCleanup: (p) => first(count(p.msgId, 'msgId'), name(p.group, 'group')),
  nodeFenced: (p) => first(count(p.msgId, 'msgId'), name(p.node, 'node'), count(p.generation, 'generation')),
};

/** True when `type` has a full schema (otherwise it is checked generically). */
export function hasSchema(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(SCHEMAS, type);
}

/**
 * Checks a payload (the message without its `type`, which travels as a number in the header).
 * Returns null when valid, otherwise the reason.
 */
export function payloadProblem(type: string, payload: unknown): string | null {
  if (!isPlainObject(payload)) return `a ${type} payload must be a JSON object`;
  if (Object.prototype.hasOwnProperty.call(payload, 'type')) return `a ${type} payload must not carry its own "type" field`;
  const generic = jsonProblem(payload, type);
  if (generic !== null) return generic;
  const check = hasSchema(type) ? SCHEMAS[type as ClusterMessageType] : undefined;
  const problem = check === undefined ? null : check(payload);
  return problem === null ? null : `${type}: ${problem}`;
}
