// Reliable control messages (groupRequest, groupReleased, leaving, groupCleanup, nodeFenced): each
// carries a msgId, the receiver always acks, the sender resends every keepalive until the ack
// arrives or the peer is declared dead or restarts. Receivers drop duplicates by msgId.

import { send, type Ctx } from './context';
import { nodeName } from './format';
import type { ClusterMessage, GroupCleanupMessage, GroupReleasedMessage, GroupRequestMessage, LeavingMessage, NodeFencedMessage } from './messages';
import { resendIntervalMs, SEEN_MSG_IDS_MAX } from './policy';
import type { PeerState } from './state';

type WithoutId<T> = T extends unknown ? Omit<T, 'msgId'> : never;
export type ReliableMessage = GroupRequestMessage | GroupReleasedMessage | LeavingMessage | GroupCleanupMessage | NodeFencedMessage;

export function sendReliable(ctx: Ctx, to: number, body: WithoutId<ReliableMessage>): void {
  const s = ctx.s;
  const msgId = s.nextMsgId++;
  const message = { ...body, msgId } as ClusterMessage;
  s.outbox.push({ msgId, to, message, nextSendAtMs: ctx.now + resendIntervalMs(s.config), sends: 1 });
  send(ctx, nodeName(s, to), message);
}

export function onAck(ctx: Ctx, from: number, msgId: number): void {
  const outbox = ctx.s.outbox;
  for (let i = 0; i < outbox.length; i++) {
    const e = outbox[i]!;
    if (e.to === from && e.msgId === msgId) {
      outbox.splice(i, 1);
      return;
    }
  }
}

/** Ack a reliable message; true if it is new (not a duplicate) and must be processed. */
export function acceptReliable(ctx: Ctx, peer: PeerState, msgId: number): boolean {
  send(ctx, peer.name, { type: 'ack', msgId });
  if (peer.seenMsgIds.includes(msgId)) return false;
  peer.seenMsgIds.push(msgId);
  if (peer.seenMsgIds.length > SEEN_MSG_IDS_MAX) peer.seenMsgIds.shift();
  return true;
}

export function resendDue(ctx: Ctx): void {
  const s = ctx.s;
  for (const e of s.outbox) {
    if (e.nextSendAtMs <= ctx.now) {
      send(ctx, nodeName(s, e.to), e.message);
      e.sends++;
      e.nextSendAtMs = ctx.now + resendIntervalMs(s.config);
    }
  }
}

/**
 * The peer died or restarted: nobody will ack what we sent to its old incarnation. A cleanup is
 * still owed to it (the operator's word holds for its next incarnation too): sent when it is heard.
 */
export function dropOutboxTo(ctx: Ctx, peer: number): void {
  const s = ctx.s;
  const p = s.nodes[peer]!;
  for (const e of s.outbox) {
    if (e.to === peer && e.message.type === 'groupCleanup') {
      const m = e.message;
      p.owedCleanups.push({ group: m.group, stateSeq: m.stateSeq ?? 0, vouchedFor: m.vouchedFor ?? [] });
    }
  }
  s.outbox = s.outbox.filter((e) => e.to !== peer);
}

/** The peer is heard (again): send it the cleanups it missed. */
export function sendOwedCleanups(ctx: Ctx, peer: number): void {
  const p = ctx.s.nodes[peer]!;
  const owed = p.owedCleanups;
  if (owed.length === 0) return;
  p.owedCleanups = [];
  for (const c of owed) sendReliable(ctx, peer, { type: 'groupCleanup', group: c.group, stateSeq: c.stateSeq, vouchedFor: c.vouchedFor });
}

export function pendingTo(ctx: Ctx, type: ClusterMessage['type']): boolean {
  return ctx.s.outbox.some((e) => e.message.type === type);
}
