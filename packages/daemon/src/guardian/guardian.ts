// The guardian's decisions, without I/O: it follows what hbd reports (held groups, agents in
// flight) and, when hbd is gone without a clean shutdown, stops what this node held before a peer
// takes it over after deadtime — so a `kill -9` of hbd alone never leaves two nodes running the
// same group (Heartbeat's answer was a watchdog reboot).
//
// When hbd is gone:
//   1. agents hbd still had running (a start half-way; hbd does not report monitor checks) are killed, process group and
//      all, so none of them adds an address after we removed it;
//   2. every held group is stopped right to left with the configured stop timeout, groups in
//      parallel (they are independent; the whole job must fit in deadtime); a failed stop is
//      retried `stopRetriesMax` times; a member that still runs after that keeps the members to
//      its left up, as the engine does (a file system under a running database is not pulled);
//   3. what it did, with durations, goes to hbd's log; the exit status says whether all stopped.

import type { ResourceSpec } from '@hbd/config';
import type { ResourceOpRequest, ResourceOpResult } from '@hbd/executor';
import type { LogLevel } from '../event-messages';
import { lastLine, seconds } from '../format';
import type { GuardianGroup, GuardianSettings, ToGuardian } from './protocol';

export interface GuardianLog {
  log(level: Exclude<LogLevel, 'debug'>, text: string): void;
  debug(verbosity: number, text: string): void;
}

export interface GuardianDeps {
  runOp(request: ResourceOpRequest): Promise<ResourceOpResult>;
  /** SIGKILL to a whole process group; false when it was already gone. */
  killProcessGroup(pgid: number): boolean;
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** Called with the settings every time hbd (re)sends them: the log follows them. */
  onSettings?(settings: GuardianSettings): void;
  log(): GuardianLog | null;
}

interface InFlight {
  readonly group: string;
  readonly token: string;
  readonly action: string;
  pid: number | null;
}

export interface GroupStopReport {
  readonly group: string;
  readonly ok: boolean;
  /** Members whose stop failed and whose status still says running (or cannot tell). */
  readonly stillRunning: readonly string[];
  readonly tookMs: number;
}

export interface GuardianReport {
  /** Why the guardian exits. */
  readonly cause: 'clean' | 'noSettings' | 'nothingHeld' | 'stopped';
  readonly groups: readonly GroupStopReport[];
  readonly killedAgents: readonly string[];
  readonly tookMs: number;
  /** 0 when nothing is left running here that hbd held. */
  readonly exitCode: number;
}

export class Guardian {
  private settings: GuardianSettings | null = null;
  private held: readonly string[] = [];
  private readonly inFlight = new Map<number, InFlight>();
  private clean = false;

  constructor(private readonly deps: GuardianDeps) {}

  get configured(): GuardianSettings | null {
    return this.settings;
  }

  /** The groups the guardian would stop now: held ones, plus those with a start or stop in flight. */
  heldGroups(): string[] {
    const groups = new Set(this.held);
    for (const op of this.inFlight.values()) if (op.action !== 'status') groups.add(op.group);
    return [...groups];
  }

  receive(message: ToGuardian): void {
    switch (message.t) {
      case 'init':
        this.settings = message.settings;
        this.deps.onSettings?.(message.settings);
        this.deps.log()?.debug(1, `guardian: watching hbd (pid ${message.settings.hbdPid}) on ${message.settings.node}; ${message.settings.groups.length} group(s) configured`);
        return;
      case 'held': {
        const before = this.held.join(' ');
        this.held = [...message.groups];
        if (before !== this.held.join(' ')) this.deps.log()?.debug(2, `guardian: groups held here: ${this.held.join(', ') || 'none'}`);
        return;
      }
      case 'op':
        this.inFlight.set(message.id, { group: message.group, token: message.token, action: message.action, pid: null });
        return;
      case 'opPid': {
        const op = this.inFlight.get(message.id);
        if (op !== undefined) op.pid = message.pid;
        return;
      }
      case 'opDone':
        this.inFlight.delete(message.id);
        return;
      case 'bye':
        this.clean = true;
        return;
    }
  }

  /**
   * hbd's end of the pipe closed (hbd exited or died). Resolves when the guardian's job is done.
   * `goneAtMs` (on the nowMs clock): when that was noticed, if earlier than now (Node.js start-up).
   */
  async hbdGone(goneAtMs?: number): Promise<GuardianReport> {
    const startedAtMs = Math.min(goneAtMs ?? Infinity, this.deps.nowMs());
    const log = this.deps.log();
    const settings = this.settings;
    const done = (cause: GuardianReport['cause'], exitCode = 0): GuardianReport => ({ cause, groups: [], killedAgents: [], tookMs: this.deps.nowMs() - startedAtMs, exitCode });
    if (this.clean) {
      log?.debug(1, 'guardian: hbd shut down cleanly; nothing to do');
      return done('clean');
    }
    if (settings === null) {
      // hbd sends the settings before it starts anything: without them nothing was started.
      process.stderr.write('hbd guardian: hbd went away before it sent its settings; nothing can have been started\n');
      return done('noSettings');
    }

    // 1. Agents still running: kill them first, so a start cannot finish after our stop.
    const killedAgents: string[] = [];
    for (const op of this.inFlight.values()) {
      if (op.pid === null) continue;
      if (this.deps.killProcessGroup(op.pid)) {
        killedAgents.push(`${op.token} ${op.action} (pid ${op.pid})`);
      }
    }

    const heldIds = new Set(this.heldGroups());
    const groups = settings.groups.filter((group) => heldIds.has(group.id));
    const unknown = [...heldIds].filter((id) => !settings.groups.some((group) => group.id === id));
    if (groups.length === 0 && unknown.length === 0) {
      log?.log('notice', `guardian: hbd (pid ${settings.hbdPid}) is gone without a clean shutdown; it held no resource group here, nothing to stop`);
      if (killedAgents.length > 0) log?.log('warning', `guardian: killed the agents hbd had running: ${killedAgents.join(', ')}`);
      return { ...done('nothingHeld'), killedAgents };
    }
    log?.log(
      'crit',
      `guardian: hbd (pid ${settings.hbdPid}) is gone without a clean shutdown; stopping what it held here right to left before a peer takes over ` +
        `(deadtime ${seconds(settings.deadtimeMs)}): ${groups.map((group) => label(group)).join('; ')}`,
    );
    if (killedAgents.length > 0) log?.log('warning', `guardian: killed the agents hbd had running: ${killedAgents.join(', ')}`);
    for (const id of unknown) log?.log('crit', `guardian: hbd held group ${id}, which is not in the configuration it sent: cannot stop it; stop it by hand`);

    // 2. Stop every held group, groups in parallel.
    const reports = await Promise.all(groups.map((group) => this.stopGroup(group, settings, log)));
    const tookMs = this.deps.nowMs() - startedAtMs;
    const failed = reports.filter((report) => !report.ok);
    if (failed.length === 0 && unknown.length === 0) {
      const margin = settings.deadtimeMs - tookMs;
      log?.log(
        margin >= 0 ? 'notice' : 'warning',
        margin >= 0
          ? `guardian: everything hbd held is stopped, ${seconds(tookMs)} after hbd was found gone (${seconds(margin)} before deadtime); guardian exits`
          : `guardian: everything hbd held is stopped, but only after ${seconds(tookMs)}, longer than deadtime ${seconds(settings.deadtimeMs)}: a peer may have started it meanwhile; guardian exits`,
      );
    } else {
      log?.log(
        'crit',
        `guardian: could not stop ${failed.map((report) => `${report.stillRunning.join(', ')} (group ${report.group})`).join('; ') || unknown.join(', ')}: ` +
          'it may still run here while a peer takes over; stop it by hand (or power this node off) and run "hbctl cleanup GROUP" once it is stopped everywhere',
      );
    }
    return { cause: 'stopped', groups: reports, killedAgents, tookMs, exitCode: failed.length === 0 && unknown.length === 0 ? 0 : 1 };
  }

  private async stopGroup(group: GuardianGroup, settings: GuardianSettings, log: GuardianLog | null): Promise<GroupStopReport> {
    const startedAtMs = this.deps.nowMs();
    const stillRunning: string[] = [];
    for (const resource of [...group.resources].reverse()) {
      const stopped = await this.stopResource(resource, settings, log);
      if (!stopped) {
        stillRunning.push(resource.token);
        break; // the members to its left stay up, as the engine leaves them (unclean group)
      }
    }
    const tookMs = this.deps.nowMs() - startedAtMs;
    if (stillRunning.length === 0) log?.log('notice', `guardian: ${label(group)} stopped in ${seconds(tookMs)}`);
    return { group: group.id, ok: stillRunning.length === 0, stillRunning, tookMs };
  }

  /** Stop with retries; true when it is stopped (or its status says it does not run). */
  private async stopResource(resource: ResourceSpec, settings: GuardianSettings, log: GuardianLog | null): Promise<boolean> {
    const common = { resource, env: settings.agentEnv, ...(settings.runIn === undefined ? {} : { runIn: settings.runIn }) };
    for (let attempt = 1; attempt <= settings.stopRetriesMax + 1; attempt++) {
      const result = await this.deps.runOp({ ...common, action: 'stop', timeoutMs: settings.stopTimeoutMs });
      const retry = attempt > 1 ? ` (retry ${attempt - 1} of ${settings.stopRetriesMax})` : '';
      if (result.outcome === 'ok') {
        log?.log('info', `guardian: ${resource.token} stop${retry}: ok (${result.reason}) in ${Math.round(result.durationMs)} ms`);
        return true;
      }
      log?.log('error', `guardian: ${resource.token} stop${retry}: ${result.outcome} (${result.reason}) in ${Math.round(result.durationMs)} ms${tail(result.outputTail)}`);
      if (attempt <= settings.stopRetriesMax) await this.deps.sleep(settings.stopRetryDelayMs);
    }
    // Heartbeat's rule: a stop that keeps failing is acceptable only if status says it is not running.
    const status = await this.deps.runOp({ ...common, action: 'status', timeoutMs: settings.statusTimeoutMs });
    if (status.outcome === 'notRunning') {
      log?.log('warning', `guardian: ${resource.token} stop kept failing, but its status says it is not running: carrying on`);
      return true;
    }
    log?.log('crit', `guardian: ${resource.token} could not be stopped after ${settings.stopRetriesMax + 1} attempt(s); status: ${status.outcome} (${status.reason})`);
    return false;
  }
}

function label(group: GuardianGroup): string {
  const tokens = group.resources.map((resource) => resource.token);
  return tokens.length === 1 && tokens[0] === group.id ? `group ${group.id}` : `group ${group.id} (${tokens.join(' ')})`;
}

function tail(output: string): string {
  const line = lastLine(output);
  return line === '' ? '' : `: ${line}`;
}
