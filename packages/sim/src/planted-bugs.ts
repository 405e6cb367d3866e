// TEST-ONLY: deliberately broken engines, made by wrapping the real one, to show the simulator
// catches real mistakes (the lead's "planted bug" check; packages/sim/FINDINGS.md has the
// evidence). Never used unless asked for by name (`--planted`, or a test).
//
// - handover: the new owner does not wait for the old owner to finish stopping. Whenever a node
//   begins releasing a group to a peer (groupReleaseStarted), or asks a peer for groups
//   (groupRequest), the receiving node is handed a forged groupReleased from the old owner at
//   its very next step, as if the hand-over were already done, and no longer sees the old
//   owner's 'stopping' claims for that group (so its own "nobody else claims it" check passes).
// - noPersist: persistGeneration effects are dropped, so a restarted node reuses its generation.

import type { ClusterConfig } from '@hbd/config';
import type { BootInfo, Effect, Input, ReleaseReason, StepResult } from '@hbd/core';
import type { Engine } from './engine-port';
import { requireCoreEngine } from './engine-port';

export const PLANTED_BUGS = ['handover', 'noPersist'] as const;
export type PlantedBug = (typeof PLANTED_BUGS)[number];

const FORGED_MSG_ID_BASE = 1_000_000_000;

export function plantedEngine(bug: PlantedBug, inner: Engine = requireCoreEngine()): Engine {
  switch (bug) {
    case 'handover':
      return skipHandoverWait(inner);
    case 'noPersist':
      return dropPersist(inner);
  }
}

interface Forged {
  readonly from: string;
  readonly groups: readonly string[];
  readonly reason: ReleaseReason;
}

/** The release reason a real groupReleased would carry, read from the release event's words. */
function reasonFromWords(words: string): ReleaseReason {
  if (words.includes('auto_failback')) return 'failback';
  if (words.includes('(ipfail)')) return 'ipfail';
  if (words.includes('hb_standby')) return 'standby';
  if (words.includes('hb_takeover') || words.includes('asked for it')) return 'takeover';
  if (words.includes('shutting down')) return 'shutdown';
  if (words.includes('failed')) return 'failed';
  return 'failback';
}

function skipHandoverWait(inner: Engine): Engine {
  // State shared by the nodes of one simulated cluster: the wrapper is created per run.
  const mailbox = new Map<string, Forged[]>();
  /** receiver → "sender|group" → until when the sender's claims on that group are hidden from it. */
  const blind = new Map<string, Map<string, number>>();
  let nextMsgId = FORGED_MSG_ID_BASE;
  let deadtimeMs = 30_000;
  const post = (to: string, forged: Forged) => {
    const box = mailbox.get(to) ?? [];
    box.push(forged);
    mailbox.set(to, box);
  };
  const scan = (me: string, effects: readonly Effect[]) => {
    for (const e of effects) {
      if (e.kind === 'emit' && e.event.kind === 'groupReleaseStarted' && e.event.to !== null && e.event.to !== me) {
        post(e.event.to, { from: me, groups: [e.event.group], reason: reasonFromWords(e.event.reason) });
      }
      if (e.kind === 'sendMessage' && e.message.type === 'groupRequest' && e.to !== 'all' && e.to !== me) {
        post(me, { from: e.to, groups: e.message.groups, reason: 'takeover' });
      }
    }
  };
  /** The receiver no longer sees that the old owner is still stopping the group: it does not wait. */
  const hideClaims = (me: string, input: Input): Input => {
    if (input.kind !== 'packetReceived' || input.message.type !== 'heartbeat') return input;
    const hidden = blind.get(me);
    if (hidden === undefined) return input;
    const m = input.message;
    const claims = m.claims.filter((c) => {
      const until = hidden.get(`${input.from}|${c.group}`);
      return until === undefined || input.nowMs > until || c.state === 'started';
    });
    return claims.length === m.claims.length ? input : { ...input, message: { ...m, claims } };
  };
  return {
    name: `${inner.name} + planted bug: no hand-over wait`,
    createNode(config: ClusterConfig, boot: BootInfo): StepResult<unknown> {
      deadtimeMs = config.deadtimeMs;
      mailbox.delete(boot.localNode);
      blind.delete(boot.localNode);
      const r = inner.createNode(config, boot);
      scan(boot.localNode, r.effects);
      return r;
    },
    step(state: unknown, input: Input): StepResult<unknown> {
      const view = inner.describeNode(state);
      const me = view.localNode;
      const box = mailbox.get(me) ?? [];
      mailbox.delete(me);
      let effects: Effect[] = [];
      for (const f of box) {
        const generation = view.nodes.find((n) => n.name === f.from)?.generation ?? null;
        if (generation === null) continue;
        const hidden = blind.get(me) ?? new Map<string, number>();
        for (const g of f.groups) hidden.set(`${f.from}|${g}`, input.nowMs + 2 * deadtimeMs);
        blind.set(me, hidden);
        const forged: Input = {
          kind: 'packetReceived',
          nowMs: input.nowMs,
          from: f.from,
          link: 'forged',
          generation,
          message: { type: 'groupReleased', msgId: nextMsgId++, groups: f.groups, to: me, reason: f.reason },
        };
        const r = inner.step(state, forged);
        state = r.state;
        // Its acknowledgement would reach a node that never sent it: drop it.
        effects = effects.concat(r.effects.filter((e) => !(e.kind === 'sendMessage' && e.message.type === 'ack' && e.message.msgId >= FORGED_MSG_ID_BASE)));
      }
      const r = inner.step(state, hideClaims(me, input));
      scan(me, r.effects);
      return { state: r.state, effects: [...effects, ...r.effects], wakeAtMs: r.wakeAtMs };
    },
    describeNode: (state) => inner.describeNode(state),
  };
}

function dropPersist(inner: Engine): Engine {
  const strip = (r: StepResult<unknown>): StepResult<unknown> => ({ ...r, effects: r.effects.filter((e) => e.kind !== 'persistGeneration') });
  return {
    name: `${inner.name} + planted bug: generation not persisted`,
    createNode: (config, boot) => strip(inner.createNode(config, boot)),
    step: (state, input) => strip(inner.step(state, input)),
    describeNode: (state) => inner.describeNode(state),
  };
}
