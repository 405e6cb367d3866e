// Resource groups by number instead of by name (hbd/2). Every node reads the same haresources,
// so a group's position in it (ClusterConfig.groups order) names it in 1–2 digits instead of a
// key like "IPaddr::10.213.0.185/24/eth0". That is what lifts the group limit: under hbd/1 a
// heartbeat spelled out every key and a cluster fitted 11–14 groups; see wire-protocol.md, Sizes.
//
// Numbers are only meaningful against the same list, so every payload that carries them also
// carries `haresources`, a digest of the sender's group list. A receiver whose list differs
// cannot read them and drops the packet (HB_WIRE_GROUPS_MISMATCH) rather than guess: misreading
// "group 3" as another group would start a resource twice.
// The codec then falls back to keys while the lists differ (hbd-codec.ts, otherTables).
//
// A heartbeat's claims become one string, one token per configured group, in haresources order:
//
//   "-"            the sender has no claim on this group
//   <s><epoch>[!]  a claim: state letter, takeover epoch (decimal), "!" = tentative:false
//
// state letters: s starting, r started (running), d stopping (going down), f failed, u unclean;
// upper case (S, R, …) = tentative:true (an announced start). "r3 - S4" = group 0 started at
// epoch 3, group 1 free, group 2 announced for start at epoch 4.

import type { GroupClaim, GroupId } from '@hbd/core';
import { utf8Encode } from './utf8';

const STATE_LETTERS: { readonly [S in GroupClaim['state']]: string } = {
  starting: 's',
  started: 'r',
  stopping: 'd',
  failed: 'f',
  unclean: 'u',
};
const STATE_BY_LETTER = new Map(Object.entries(STATE_LETTERS).map(([state, letter]) => [letter, state as GroupClaim['state']]));
const NO_CLAIM = '-';
const TOKEN = /^([a-zA-Z])(0|[1-9][0-9]{0,15})(!?)$/;

/** FNV-1a 32-bit over the group keys, one per line, as 8 hex digits. */
export function groupTableDigest(groups: readonly GroupId[]): string {
  const bytes = utf8Encode(groups.join('\n')) ?? new Uint8Array(0);
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${groups.length.toString(16)}:${hash.toString(16).padStart(8, '0')}`;
}

/** Result of a translation: the value, or why not (the caller picks the error code). */
export type Translated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

export interface GroupTable {
  readonly digest: string;
  readonly size: number;
  /** Claims (valid GroupClaim objects) → the token string. */
  claimsToText(claims: readonly GroupClaim[]): Translated<string>;
  /** The token string → claims in haresources order. */
  textToClaims(text: unknown): Translated<GroupClaim[]>;
  /** Group keys → their numbers (order and repeats kept). */
  namesToIndexes(names: readonly GroupId[], field: string): Translated<number[]>;
  /** Numbers → group keys. */
  indexesToNames(indexes: unknown, field: string): Translated<GroupId[]>;
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

export function createGroupTable(groups: readonly GroupId[]): GroupTable {
  const indexOf = new Map<GroupId, number>();
  groups.forEach((id, i) => {
    if (indexOf.has(id)) throw new Error(`resource group ${JSON.stringify(id)} is listed twice: the wire numbers groups by position`);
    indexOf.set(id, i);
  });
  const unknown = (name: GroupId, field: string) => ({ ok: false as const, problem: `${field} names group ${shown(name)}, which is not a resource group in haresources` });

  return {
    digest: groupTableDigest(groups),
    size: groups.length,

    claimsToText(claims) {
      const tokens: string[] = groups.map(() => NO_CLAIM);
      for (const claim of claims) {
        const i = indexOf.get(claim.group);
        if (i === undefined) return unknown(claim.group, 'a claim');
        if (tokens[i] !== NO_CLAIM) return { ok: false, problem: `group ${shown(claim.group)} is claimed twice` };
        const letter = STATE_LETTERS[claim.state];
        tokens[i] = `${claim.tentative === true ? letter.toUpperCase() : letter}${claim.epoch}${claim.tentative === false ? '!' : ''}`;
      }
      return { ok: true, value: tokens.join(' ') };
    },

    textToClaims(text) {
      if (typeof text !== 'string') return { ok: false, problem: `claims must be a string of ${groups.length} tokens, got ${shown(text)}` };
      const tokens = text === '' ? [] : text.split(' ');
      if (tokens.length !== groups.length) {
        return { ok: false, problem: `claims has ${tokens.length} tokens, this haresources has ${groups.length} groups` };
      }
      const claims: GroupClaim[] = [];
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i]!;
        if (token === NO_CLAIM) continue;
        const match = TOKEN.exec(token);
        const state = match === null ? undefined : STATE_BY_LETTER.get(match[1]!.toLowerCase());
        const epoch = match === null ? NaN : Number(match[2]);
        if (match === null || state === undefined || !Number.isSafeInteger(epoch)) {
          return { ok: false, problem: `claims token ${i + 1} ${shown(token)} is not "-" or a state letter (s r d f u, upper case = tentative) and an epoch` };
        }
        const upper = match[1] !== match[1]!.toLowerCase();
        if (upper && match[3] === '!') return { ok: false, problem: `claims token ${i + 1} ${shown(token)} is both tentative and not` };
        const group = groups[i]!;
        claims.push(upper ? { group, state, epoch, tentative: true } : match[3] === '!' ? { group, state, epoch, tentative: false } : { group, state, epoch });
      }
      return { ok: true, value: claims };
    },

    namesToIndexes(names, field) {
      const indexes: number[] = [];
      for (const name of names) {
        const i = indexOf.get(name);
        if (i === undefined) return unknown(name, field);
        indexes.push(i);
      }
      return { ok: true, value: indexes };
    },

    indexesToNames(indexes, field) {
      if (!Array.isArray(indexes)) return { ok: false, problem: `${field} must be an array of group numbers, got ${shown(indexes)}` };
      const names: GroupId[] = [];
      for (let k = 0; k < indexes.length; k++) {
        const i: unknown = indexes[k];
        if (!Number.isSafeInteger(i) || (i as number) < 0 || (i as number) >= groups.length) {
          return { ok: false, problem: `${field}[${k}] is ${shown(i)}, not a group number 0..${groups.length - 1} of this haresources` };
        }
        names.push(groups[i as number]!);
      }
      return { ok: true, value: names };
    },
  };
}
