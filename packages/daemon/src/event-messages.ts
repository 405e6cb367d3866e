// Every ClusterEvent becomes one log line that says what happened and the numbers behind it.
// The switch is exhaustive: a new event kind does not compile until it has its message.

import type { ClusterConfig } from '@hbd/config';
import type { ClusterEvent } from '@hbd/core';
import { lastLine, seconds } from './format';

/** winston's syslog levels (RFC 5424 severities). */
export type LogLevel = 'emerg' | 'alert' | 'crit' | 'error' | 'warning' | 'notice' | 'info' | 'debug';

export interface EventMessage {
  readonly level: LogLevel;
  readonly text: string;
  /** For debug lines: the `debug N` level needed to see it (1 = basic). */
  readonly debugLevel?: number;
  /** Structured fields for the log record (never a secret). */
  readonly meta: Readonly<Record<string, unknown>>;
}

/** What the messages need from the configuration: timers and the members of each group. */
export interface EventMessageContext {
  readonly localNode: string;
  readonly warntimeMs: number;
  readonly deadtimeMs: number;
  /** group id -> resource tokens in start order. */
  readonly groupMembers: ReadonlyMap<string, readonly string[]>;
}

export function eventMessageContext(config: ClusterConfig, localNode: string): EventMessageContext {
  return {
    localNode,
    warntimeMs: config.warntimeMs,
    deadtimeMs: config.deadtimeMs,
    groupMembers: new Map(config.groups.map((group) => [group.id, group.resources.map((resource) => resource.token)])),
  };
}

/** `group IPaddr::10.0.0.1 (IPaddr::10.0.0.1 nginx)`: the key and what it contains. */
function groupLabel(context: EventMessageContext, group: string): string {
  const members = context.groupMembers.get(group);
  if (members === undefined || (members.length === 1 && members[0] === group)) return `group ${group}`;
  return `group ${group} (${members.join(' ')})`;
}

function timers(context: EventMessageContext): string {
  return `warntime ${seconds(context.warntimeMs)}, deadtime ${seconds(context.deadtimeMs)}`;
}

export function eventMessage(event: ClusterEvent, context: EventMessageContext): EventMessage {
  const { kind: _kind, atMs: _atMs, ...fields } = event;
  const meta: Record<string, unknown> = { event: event.kind, ...fields };
  const line = (level: LogLevel, text: string, debugLevel?: number): EventMessage =>
    debugLevel === undefined ? { level, text, meta } : { level, text, meta, debugLevel };
  switch (event.kind) {
    case 'nodeStarted':
      return line('info', `${context.localNode} started with generation ${event.generation}`);
    case 'peerHeard':
      return event.firstTime
        ? line('info', `heard from ${event.peer} (generation ${event.generation})`)
        : line('debug', `heartbeat from ${event.peer} (generation ${event.generation})`, 3);
    case 'peerRestarted':
      return line('warning', `${event.peer} restarted: generation ${event.oldGeneration} -> ${event.newGeneration}`);
    case 'lateHeartbeat':
      return line(
        'warning',
        `late heartbeat from ${event.peer}: ${seconds(event.sinceMs)} since last (warntime ${seconds(event.warntimeMs)}, deadtime ${seconds(event.deadtimeMs)})`,
      );
    case 'peerDeclaredDead':
      return line('warning', `node ${event.peer} is dead: nothing heard for ${seconds(event.silentMs)} (${timers(context)})`);
    case 'linkUp':
      return line('info', `link ${event.peer} ${event.link} up`);
    case 'linkDead':
      return line('warning', `link ${event.peer} ${event.link} dead: nothing heard on it for ${seconds(event.silentMs)}`);
    case 'pingTargetUp':
      return line('info', `ping target ${event.target} up`);
    case 'pingTargetDead':
      return event.peersSilentMs === undefined
        ? line('warning', `ping target ${event.target} dead: no echo reply for ${seconds(event.silentMs)}`)
        : line('crit', `ping target ${event.target} dead: no echo reply for ${seconds(event.silentMs)} and no peer heard for ${seconds(event.peersSilentMs)}: this node is cut off (not waiting for deadping)`);
    case 'quorumChanged':
      return event.hasQuorum
        ? line('notice', `ping quorum: ${event.reachable}/${event.total} targets reachable`)
        : line('crit', `ping quorum lost: ${event.reachable}/${event.total} targets reachable; this node will not take over groups`);
    case 'groupTakeoverStarted':
      return line(
        'notice',
        event.from === null
          ? `taking over ${groupLabel(context, event.group)}: ${event.reason}`
          : `taking over ${groupLabel(context, event.group)} from ${event.from}: ${event.reason}`,
      );
    case 'groupReleaseStarted':
      return line(
        'notice',
        event.to === null
          ? `releasing ${groupLabel(context, event.group)}: ${event.reason}`
          : `releasing ${groupLabel(context, event.group)} to ${event.to}: ${event.reason}`,
      );
    case 'groupStarted':
      return line('notice', `${groupLabel(context, event.group)} started in ${seconds(event.tookMs)}`);
    case 'groupStopped':
      return line('notice', `${groupLabel(context, event.group)} stopped in ${seconds(event.tookMs)}`);
    case 'groupStartFailed':
      return line('error', `${groupLabel(context, event.group)} failed to start at ${event.resource}: ${event.detail}`);
    case 'groupUnclean':
      return line(
        'crit',
        `group ${event.group} is UNCLEAN: stopping ${event.resource} failed ${event.attempts} times; no node will start it until ` +
          `${context.localNode} is fenced or an operator, having made sure it is stopped, runs "hbctl cleanup ${event.group}"`,
      );
    case 'refusedTakeover':
      return line('warning', `refusing to take over ${groupLabel(context, event.group)}: ${event.reason}`);
    case 'resourceOpStarted':
      return event.action === 'status'
        ? line('debug', `${event.resource} status (group ${event.group}, op ${event.opId})`, 1)
        : line('info', `${event.resource} ${event.action} (group ${event.group}, op ${event.opId})`);
    case 'resourceOpCompleted': {
      const tail = lastLine(event.outputTail);
      const exit = event.exitCode === null ? 'no exit code' : `exit ${event.exitCode}`;
      const text = `${event.resource} ${event.action}: ${event.outcome}, ${exit} in ${seconds(event.tookMs)}${tail === '' ? '' : `: ${tail}`}`;
      // ok and notRunning are answers (monitoring, the start-up probe); the engine reports a
      // resource that should run and does not as resourceFailed.
      if (event.action === 'status') return event.outcome === 'ok' || event.outcome === 'notRunning' ? line('debug', text, 1) : line('warning', text);
      return line(event.outcome === 'ok' ? 'info' : 'error', text);
    }
    case 'splitBrainDetected':
      return line(
        'crit',
        `split brain on group ${event.group}: ${context.localNode} and ${event.peer} both hold it; ${event.winner} keeps it (${event.rule})`,
      );
    case 'localStall':
      return line(
        'warning',
        `${context.localNode} itself stalled for ${seconds(event.stalledMs)} (event loop blocked, VM paused or SIGSTOP; warntime ${seconds(context.warntimeMs)}): peers are not judged on the stale evidence`,
      );
    case 'shutdownCompleted':
      return line('notice', `${context.localNode} shutdown complete: all local groups stopped`);
    case 'communicationsUp': {
      const dead = event.dead.length === 0 ? '' : `; declared dead: ${event.dead.join(', ')}`;
      const alive = event.alive.length === 0 ? 'no peer heard' : `heard: ${event.alive.join(', ')}`;
      return line('info', `communications up after ${seconds(event.waitedMs)} (${alive}${dead}): ${context.localNode} is active`);
    }
    case 'peerLeaving':
      return line('info', `received shutdown notice from ${event.peer}: its groups are stopped and may be taken over now`);
    case 'resourceFailed':
      return line(
        'error',
        `resource ${event.resource} of ${groupLabel(context, event.group)} failed (${event.outcome}): ${event.detail}; ` +
          (event.action === 'restart' ? 'restarting it here' : 'moving the group'),
      );
    case 'fencingStarted':
      return line('warning', `fencing ${event.node}: ${event.reason}`);
    case 'fencingFinished':
      return event.success
        ? line('notice', `${event.node} fenced by ${event.by}`)
        : line('crit', `fencing ${event.node} FAILED (by ${event.by}): its groups stay where they are until it is fenced or an operator runs "hbctl cleanup"`);
    case 'groupCleanedUp':
      return line('notice', `group ${event.group} cleaned up by ${event.by} (was ${event.was})`);
    case 'adminRequestFinished':
      return line(event.ok ? 'notice' : 'warning', `${event.command} ${event.scope} (request ${event.requestId}) ${event.ok ? 'done' : 'failed'}: ${event.message}`);
    case 'shutdownStarted':
      return line(
        'notice',
        event.holding.length === 0
          ? `shutdown in progress: no group held here`
          : `shutdown in progress: giving up ${event.holding.map((group) => groupLabel(context, group)).join(', ')} (right to left)`,
      );
    case 'groupFoundRunning':
      return event.action === 'adopt'
        ? line('warning', `${groupLabel(context, event.group)} found running when hbd started (${event.running.join(', ')}): adopting it`)
        : line('crit', `${groupLabel(context, event.group)} found partly running when hbd started (${event.running.join(', ')}): stopping it right to left`);
    default: {
      const unknown: never = event;
      return { level: 'warning', text: `unknown engine event ${JSON.stringify(unknown)}`, meta: {} };
    }
  }
}
