// ClusterEvent → one log line in Heartbeat's words (heartbeat-3-behaviour.md §6.6), with the
// numbers behind each decision. Deterministic: the golden timelines are made of these lines.

import type { ClusterEvent } from '@hbd/core';

export type Level = 'CRIT' | 'ERROR' | 'WARN' | 'info';

export interface RenderedLine {
  readonly level: Level;
  readonly text: string;
}

export function seconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(1)} s`;
}

/** `IPaddr::192.168.42.14/25/eth0:0` → `IPaddr 192.168.42.14/25/eth0:0` (how Heartbeat logs the command). */
export function resourceWords(token: string): string {
  return token.split('::').join(' ');
}

export function renderEvent(e: ClusterEvent): RenderedLine {
  switch (e.kind) {
    case 'nodeStarted':
      return { level: 'info', text: `Configuration validated. Starting hbd, generation ${e.generation}` };
    case 'peerHeard':
      return e.firstTime
        ? { level: 'info', text: `Status update for node ${e.peer}: status up (generation ${e.generation})` }
        : { level: 'info', text: `node ${e.peer} heard again (generation ${e.generation})` };
    case 'peerRestarted':
      return { level: 'info', text: `Heartbeat restart on node ${e.peer} (generation ${e.oldGeneration} -> ${e.newGeneration})` };
    case 'lateHeartbeat':
      return e.sinceMs > e.deadtimeMs
        ? { level: 'CRIT', text: `Late heartbeat: Node ${e.peer}: interval ${e.sinceMs} ms (> deadtime ${seconds(e.deadtimeMs)})` }
        : { level: 'WARN', text: `Late heartbeat: Node ${e.peer}: interval ${e.sinceMs} ms (warntime ${seconds(e.warntimeMs)}, deadtime ${seconds(e.deadtimeMs)})` };
    case 'peerDeclaredDead':
      return { level: 'WARN', text: `node ${e.peer}: is dead (silent ${seconds(e.silentMs)})` };
    case 'linkUp':
      return { level: 'info', text: `Link ${e.peer}:${e.link} up.` };
    case 'linkDead':
      return { level: 'info', text: `Link ${e.peer}:${e.link} dead. (silent ${seconds(e.silentMs)})` };
    case 'pingTargetUp':
      return { level: 'info', text: `Link ${e.target}:${e.target} up. (ping node reachable)` };
    case 'pingTargetDead':
      return {
        level: 'WARN',
        text: `node ${e.target}: is dead (ping node silent ${seconds(e.silentMs)}${e.peersSilentMs === undefined ? '' : `, no peer heard for ${seconds(e.peersSilentMs)}: cut off`})`,
      };
    case 'quorumChanged':
      return e.hasQuorum
        ? { level: 'info', text: `ping quorum: ${e.reachable}/${e.total} ping nodes reachable` }
        : { level: 'WARN', text: `ping quorum lost: ${e.reachable}/${e.total} ping nodes reachable` };
    case 'groupTakeoverStarted':
      return {
        level: 'info',
        text: e.from === null ? `Acquiring resource group ${e.group}: ${e.reason}` : `Taking over resource group ${e.group} from ${e.from}: ${e.reason}`,
      };
    case 'groupReleaseStarted':
      return { level: 'info', text: `Releasing resource group ${e.group}${e.to === null ? '' : ` to ${e.to}`}: ${e.reason}` };
    case 'groupStarted':
      return { level: 'info', text: `Resource group ${e.group} started (${seconds(e.tookMs)})` };
    case 'groupStopped':
      return { level: 'info', text: `Resource group ${e.group} released (${seconds(e.tookMs)})` };
    case 'groupStartFailed':
      return { level: 'CRIT', text: `Giving up resources due to failure of ${e.resource} (group ${e.group}): ${e.detail}` };
    case 'groupUnclean':
      return { level: 'CRIT', text: `Resource STOP failure of ${e.resource} after ${e.attempts} attempts: ${e.group} is unclean until fenced or cleaned up` };
    case 'refusedTakeover':
      return { level: 'WARN', text: `Refusing to take over ${e.group}: ${e.reason}` };
    case 'resourceOpStarted':
      return { level: 'info', text: `Running ${resourceWords(e.resource)} ${e.action} (op ${e.opId})` };
    case 'resourceOpCompleted':
      return renderOpCompleted(e);
    case 'splitBrainDetected':
      return { level: 'CRIT', text: `Split brain: ${e.group} also active on ${e.peer}; ${e.winner} keeps it (${e.rule})` };
    case 'localStall':
      return { level: 'WARN', text: `Local stall: this node was frozen for ${seconds(e.stalledMs)}; peers not judged on stale evidence` };
    case 'shutdownCompleted':
      return { level: 'info', text: 'Heartbeat shutdown complete.' };
    case 'communicationsUp':
      return {
        level: 'info',
        text: `Comm_now_up(): updating status to active after ${seconds(e.waitedMs)} (alive: ${list(e.alive)}; dead: ${list(e.dead)})`,
      };
    case 'peerLeaving':
      return { level: 'info', text: `Received shutdown notice from '${e.peer}'.` };
    case 'resourceFailed':
      return { level: 'ERROR', text: `Resource ${e.resource} of ${e.group} failed (${e.outcome}): ${e.detail}; will ${e.action === 'restart' ? 'restart it here' : 'move the group'}` };
    case 'fencingStarted':
      return { level: 'CRIT', text: `Resetting node ${e.node}: ${e.reason}` };
    case 'fencingFinished':
      return e.success
        ? { level: 'info', text: `node ${e.node} now reset (by ${e.by}).` }
        : { level: 'ERROR', text: `STONITH of ${e.node} failed (by ${e.by}).` };
    case 'groupCleanedUp':
      return { level: 'info', text: `Resource group ${e.group} cleaned up by ${e.by} (was ${e.was})` };
    case 'adminRequestFinished':
      return {
        level: e.ok ? 'info' : 'WARN',
        text: `${e.command === 'cleanup' ? 'cleanup' : `hb_${e.command} ${e.scope}`} (${e.requestId}) ${e.ok ? 'completed' : 'refused'}: ${e.message}`,
      };
    case 'shutdownStarted':
      return { level: 'info', text: `Heartbeat shutdown in progress. Giving up all HA resources (holding: ${list(e.holding)}).` };
    case 'groupFoundRunning':
      return e.action === 'adopt'
        ? { level: 'WARN', text: `Resource group ${e.group} found running at start-up (${list(e.running)}): adopting it` }
        : { level: 'WARN', text: `Leftovers of resource group ${e.group} found running at start-up (${list(e.running)}): stopping them` };
    default:
      return renderUnknown(e);
  }
}

function list(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}

function renderOpCompleted(e: Extract<ClusterEvent, { kind: 'resourceOpCompleted' }>): RenderedLine {
  const what = `${resourceWords(e.resource)} ${e.action}`;
  const tail = e.outputTail.trim() === '' ? '' : `: ${e.outputTail.trim().split('\n').slice(-1)[0]}`;
  switch (e.outcome) {
    case 'ok':
      return { level: 'info', text: `${what} ok (${seconds(e.tookMs)})` };
    case 'notRunning':
      return { level: 'info', text: `${what}: not running (${seconds(e.tookMs)})` };
    case 'timedOut':
      return { level: 'ERROR', text: `${what} timed out after ${seconds(e.tookMs)}, killed${tail}` };
    default:
      return { level: 'ERROR', text: `Return code ${e.exitCode ?? '?'} from ${what} (${seconds(e.tookMs)})${tail}` };
  }
}

/** A kind this renderer does not know yet (the engine grows): still a readable, stable line. */
function renderUnknown(e: never): RenderedLine {
  const { kind, atMs: _atMs, ...rest } = e as { kind: string; atMs: number };
  const fields = Object.keys(rest)
    .sort()
    .map((k) => `${k}=${JSON.stringify((rest as Record<string, unknown>)[k])}`)
    .join(' ');
  return { level: 'info', text: `${kind} ${fields}`.trim() };
}
