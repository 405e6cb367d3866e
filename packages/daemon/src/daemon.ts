// hbd assembled: media and codec, the runtime around the engine, the control socket, logging,
// shutdown and reload. `startDaemon` resolves once the node is running; signals are wired by the
// command line (bin/hbd.ts), so tests can start several daemons in one process.

import os from 'node:os';
import type { ClusterConfig } from '@hbd/config';
import type { AdminRequest, ClusterEvent, NodeView } from '@hbd/core';
import {
  IpcError,
  buildStatusDocument,
  type AdminResult,
  type NodeListResult,
  type ResourceListResult,
  type StatusDocument,
} from '@hbd/ipc';
import { checkHeartbeatCapacity, createCodec, type Hmac } from '@hbd/wire';
import { createControlServer, type ControlServer, type ControlSession } from './control-server';
import {
  controlSocketPath,
  haclientGid,
  prepareRunDir,
  removeRunFiles,
  secureRunDir,
  secureSocket,
  writePidFile,
} from './control-socket-file';
import { eventMessage, eventMessageContext, type EventMessageContext } from './event-messages';
import { FailoverTracker } from './failover-tracker';
import { seconds } from './format';
import { createGenerationStore } from './generation-store';
import { createGuardianLink, waitForPreviousGuardian, type GuardianLink } from './guardian/guardian-link';
import type { GuardianSettings } from './guardian/protocol';
import type { DaemonLog } from './logger';
import { planMedia, type InterfaceTable } from './media';
import { createMessenger, type DaemonMessenger } from './messenger';
import { createMonotonicClock } from './monotonic-clock';
import { nodeHmac } from './node-hmac';
import { createNodeFencer, fencingSettings } from './node-fencer';
import { createPingProber } from './ping-prober';
import type { Clock, GenerationStore, Prober, ResourceRunner } from './ports';
import { agentEnvFor, createResourceRunner } from './resource-runner';
import { Runtime, type AdminCompletion, type Engine } from './runtime';
import { StallDetector } from './stall-detector';
import { createUdpTransport, type UdpTransport } from './udp-transport';

export const HBD_VERSION = '0.1.0';

/** Start-up refused: the message is for the operator (no stack trace). */
export class DaemonStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DaemonStartError';
  }
}

export type ReloadResult =
  | { readonly ok: true; readonly config: ClusterConfig; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly errors: readonly string[] };

export interface DaemonOptions<S> {
  readonly config: ClusterConfig;
  readonly configDir: string;
  readonly localNode: string;
  readonly stateDir: string;
  readonly runDir: string;
  readonly engine: Engine<S>;
  readonly log: DaemonLog;
  /** Bind ucast/bcast sockets to this address instead of the interface's (several nodes on one host). */
  readonly bindAddress?: string;
  /** SIGHUP: re-read the configuration directory. */
  readonly reloadConfig?: () => Promise<ReloadResult>;
  /**
   * A reload that changes what the engine, the media or the ping targets were built with restarts
   * hbd in place keeping the resources (Heartbeat's `heartbeat -R`): `stopped` resolves with
   * RESTART_KEEPING_RESOURCES and `nextConfig()` says what to start with. Without it (tests, the
   * demo) such a reload only logs that a restart is needed.
   */
  readonly restartOnReload?: boolean;
  readonly hmac?: Hmac;
  readonly interfaces?: InterfaceTable;
  readonly clock?: Clock;
  readonly runner?: ResourceRunner;
  readonly prober?: Prober;
  readonly generations?: GenerationStore;
  /** How long SIGTERM waits for the groups to stop; default from the stop timeouts. */
  readonly shutdownTimeoutMs?: number;
  /** Stall reporting threshold; default warntime. */
  readonly stallThresholdMs?: number;
  /**
   * Start the guardian process, which stops this node's groups if hbd dies without a clean
   * shutdown (bin/hbd does; in-process tests usually do not).
   */
  readonly guardian?: GuardianOptions;
}

export interface GuardianOptions {
  /** What the guardian (an idle sh sentinel) runs with Node.js once hbd is gone (default dist/guardian/main.js). */
  readonly script?: string;
  /** hbd logs to stderr (--foreground): so does the guardian, on the same stream. */
  readonly stderr: boolean;
  /** stderr is the journal (systemd). */
  readonly underSystemd: boolean;
  /** The log destinations hbd really uses for a configuration (hbd may add syslog when daemonized). */
  readonly logging?: (config: ClusterConfig) => ClusterConfig['logging'];
  /** argv prefix for the guardian's agents, as for hbd's (tests). */
  readonly runIn?: readonly string[];
}

export interface Daemon {
  readonly localNode: string;
  readonly socketPath: string;
  readonly pid: number;
  status(): StatusDocument;
  /** Stops local groups, tells peers, closes everything; resolves with the exit status (0 clean). */
  shutdown(reason: string): Promise<number>;
  reload(): Promise<void>;
  /** Resolves with the exit status when the daemon stopped for any reason (shutdown or fatal error). */
  readonly stopped: Promise<number>;
  /** After `stopped` resolved with RESTART_KEEPING_RESOURCES: the configuration to start again with. */
  nextConfig(): ClusterConfig | null;
}

/** `stopped` resolves with this when a reload restarts hbd in place, leaving the resources running. */
export const RESTART_KEEPING_RESOURCES = -75;

/** How long a restart-needing reload waits for starts, stops and hbctl requests in progress to finish. */
const RELOAD_QUIET_WAIT_MS = 60_000;

const MAX_PENDING_ADMIN = 16;
const STATUS_PUSH_MIN_INTERVAL_MS = 250;
const STATUS_PUSH_REFRESH_MS = 1000;

/** The engine's pause between stop attempts (core policy STOP_RETRY_DELAY_MS, Heartbeat's 1 s). */
const STOP_RETRY_DELAY_MS = 1000;

function guardianSettings(config: ClusterConfig, localNode: string, options: GuardianOptions): GuardianSettings {
  return {
    node: localNode,
    hbdPid: process.pid,
    logging: options.logging?.(config) ?? config.logging,
    stderr: options.stderr,
    underSystemd: options.underSystemd,
    groups: config.groups.map((group) => ({ id: group.id, resources: group.resources })),
    stopTimeoutMs: config.agentTimeouts.stopMs,
    statusTimeoutMs: config.agentTimeouts.statusMs,
    stopRetriesMax: config.stopRetriesMax,
    stopRetryDelayMs: STOP_RETRY_DELAY_MS,
    deadtimeMs: config.deadtimeMs,
    agentEnv: agentEnvFor(config, localNode),
    ...(options.runIn === undefined ? {} : { runIn: options.runIn }),
  };
}

/**
 * The guardian stops held groups after a crash with the configured stop timeout per member (groups
 * in parallel): that must fit in deadtime, or a peer may start a group before it is stopped here.
 */
export function guardianTimingWarning(config: ClusterConfig): string | null {
  let worst: { group: string; members: number; ms: number } | null = null;
  for (const group of config.groups) {
    const ms = group.resources.length * config.agentTimeouts.stopMs;
    if (worst === null || ms > worst.ms) worst = { group: group.id, members: group.resources.length, ms };
  }
  if (worst === null || worst.ms < config.deadtimeMs) return null;
  return (
    `if hbd dies, its guardian may need up to ${seconds(worst.ms)} to stop group ${worst.group} (${worst.members} member(s) × stop_timeout ${seconds(config.agentTimeouts.stopMs)}), ` +
    `not less than deadtime ${seconds(config.deadtimeMs)}: a peer could start the group before it is stopped here. ` +
    `Stops that really take that long are unsafe after a crash; set stop_timeout below ${seconds(Math.floor(config.deadtimeMs / Math.max(1, worst.members)))} or raise deadtime`
  );
}

function defaultShutdownTimeoutMs(config: ClusterConfig): number {
  const resources = config.groups.reduce((sum, group) => sum + group.resources.length, 0);
  return Math.max(60_000, resources * config.agentTimeouts.stopMs + 30_000);
}

/** What the engine was created with: a change here needs a restart (the engine has no reconfigure input). */
function engineSettings(config: ClusterConfig): string {
  const { clusterName, nodes, keepaliveMs, deadtimeMs, warntimeMs, initdeadMs, deadpingMs, pingTargets, autoFailback, groups, agentTimeouts, stopRetriesMax, monitorIntervalMs } = config;
  return JSON.stringify({ clusterName, nodes, keepaliveMs, deadtimeMs, warntimeMs, initdeadMs, deadpingMs, pingTargets, autoFailback, groups, agentTimeouts, stopRetriesMax, monitorIntervalMs });
}

function describeMedia(plan: ReturnType<typeof planMedia>): string {
  const parts = plan.media.map((medium) => `${medium.link} (from ${medium.bindAddress}:${medium.port})`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

export async function startDaemon<S>(options: DaemonOptions<S>): Promise<Daemon> {
  const { localNode, log, engine } = options;
  let config = options.config;
  const clock = options.clock ?? createMonotonicClock();
  const startedAtMs = clock.nowMs();
  const startedAtWall = Date.now();
  const wallAt = (atMs: number): string => new Date(Date.now() - (clock.nowMs() - atMs)).toISOString();

  if (!config.nodes.includes(localNode)) {
    throw new DaemonStartError(`this node is "${localNode}", but ha.cf lists only ${config.nodes.join(', ')} (use --node, or fix the node lines)`);
  }

  // --- the codec first: a configuration whose heartbeats cannot be sent is refused now -------
  const codec = createCodec({ config, hmac: options.hmac ?? nodeHmac });
  const capacity = checkHeartbeatCapacity(codec, config);
  if (!capacity.ok) throw new DaemonStartError(`${capacity.error.code}: ${capacity.error.message}`);

  // --- the run dir: refuse when another hbd owns it ---------------------------------------------
  const reclaimed = await prepareRunDir(options.runDir);
  if (reclaimed !== null) log.log('info', reclaimed);

  // --- media ----------------------------------------------------------------------------------
  const plan = planMedia(config.media, options.interfaces ?? (os.networkInterfaces() as InterfaceTable), {
    ...(options.bindAddress === undefined ? {} : { bindAddress: options.bindAddress }),
  });
  for (const skipped of plan.skipped) log.debug(1, `${skipped.link}: skipped, ${skipped.why}`);
  for (const problem of plan.problems) log.log('error', `${problem.link}: ${problem.why}`);
  const peers = config.nodes.filter((node) => node !== localNode);
  if (peers.length > 0 && plan.media.length === 0) {
    throw new DaemonStartError(`no heartbeat medium can work on ${localNode}: ${plan.problems.map((problem) => `${problem.link}: ${problem.why}`).join('; ') || 'ha.cf has no ucast, bcast or mcast line'}`);
  }

  let messenger: DaemonMessenger | null = null;
  let runtime: Runtime<S> | null = null;
  const fencer = createNodeFencer(config, localNode, log, () => runtime?.describe() ?? null);
  // After a stall of this process, the datagrams read in the same event-loop turn queued up while
  // it was frozen: stale. The stall is noticed before the first of them reaches the engine.
  const stall = new StallDetector({ clock, thresholdMs: options.stallThresholdMs ?? config.warntimeMs });
  let staleTurn = false;
  const markStale = (): void => {
    if (staleTurn) return;
    staleTurn = true;
    setImmediate(() => {
      staleTurn = false;
    });
  };
  const onStall = (stalledMs: number): void => {
    markStale();
    runtime?.deliver({ kind: 'localStallDetected', stalledMs });
  };
  const transport: UdpTransport = createUdpTransport({
    media: plan.media,
    nowMs: () => clock.nowMs(),
    onDatagram: (datagram) => {
      const stalledMs = stall.check();
      if (stalledMs !== null) onStall(stalledMs);
      messenger?.receive(datagram);
    },
    onSendError: (medium, destination, error) => messenger?.reportSendError(medium, destination, error),
    onSocketError: (what, error) => log.log('error', `${what}: ${error.message}`),
  });
  const bound = await transport.start();
  for (const failure of bound.failed) log.log('error', `${failure.link}: ${failure.why}`);
  if (peers.length > 0 && bound.failed.length === plan.media.length) {
    await transport.close();
    throw new DaemonStartError(`no heartbeat medium could be opened: ${bound.failed.map((failure) => `${failure.link}: ${failure.why}`).join('; ')}`);
  }

  // --- generation, messenger, runtime --------------------------------------------------------
  const store = options.generations ?? createGenerationStore(options.stateDir);
  let generation = 0;
  const generations: GenerationStore = {
    load: () => store.load(),
    persist: (value) => {
      store.persist(value);
      generation = value;
      log.log('info', `generation ${value} persisted in ${options.stateDir}`);
    },
  };

  messenger = createMessenger({
    localNode,
    configDigest: config.digest,
    codec,
    transport,
    generation: () => generation,
    nowMs: () => clock.nowMs(),
    log,
    onPacket: (packet) => runtime?.deliver({ kind: 'packetReceived', ...packet }),
    isStale: () => staleTurn,
  });

  let messageContext: EventMessageContext = eventMessageContext(config, localNode);
  const tracker = new FailoverTracker({
    localNode,
    evidenceWindowMs: config.deadtimeMs + config.warntimeMs + 5000,
    textOf: (event) => eventMessage(event, messageContext).text,
  });
  const prober = options.prober ?? createPingProber({ intervalMs: config.keepaliveMs, onTrouble: (text) => log.log('error', text) });
  // Resources left running by a crashed hbd are found by the engine's start-up probe (status of
  // every member before it becomes active): adopted when a group runs whole, else stopped.
  let guardian: GuardianLink | null = null;
  const baseRunner =
    options.runner ??
    createResourceRunner({ localNode, config: () => config, log, onAgentSpawned: (opId, pid) => guardian?.opPid(opId, pid), ...(options.guardian?.runIn === undefined ? {} : { runIn: options.guardian.runIn }) });
  // The guardian hears of every start and stop before its agent is spawned, and of the groups
  // held. Not of monitor status checks: one left running when hbd dies changes nothing, and each
  // would cost three state-file rewrites every monitor_interval.
  const opsInFlight = new Map<number, { group: string; action: string }>();
  const runner: ResourceRunner = {
    async run(op) {
      const told = op.action !== 'status';
      opsInFlight.set(op.opId, { group: op.group, action: op.action });
      if (told) {
        guardian?.opStarted(op.opId, op.group, op.resource.token, op.action);
        updateGuardian();
      }
      try {
        return await baseRunner.run(op);
      } finally {
        opsInFlight.delete(op.opId);
        if (told) guardian?.opDone(op.opId);
      }
    },
    abortAll: () => baseRunner.abortAll(),
  };
  function updateGuardian(): void {
    if (guardian === null) return;
    const held = new Set<string>();
    for (const group of runtime?.describe()?.groups ?? []) if (group.localState !== 'stopped') held.add(group.id);
    for (const op of opsInFlight.values()) if (op.action !== 'status') held.add(op.group);
    guardian.held([...held]);
  }

  // --- admin requests and subscribers ----------------------------------------------------------
  const pendingAdmin = new Map<string, { startedAtMs: number; description: string; resolve: ((result: AdminResult) => void) | null }>();
  let nextRequest = 1;
  const eventSubscribers = new Set<ControlSession>();
  const statusSubscribers = new Set<ControlSession>();
  let statusPushTimer: NodeJS.Timeout | null = null;
  let lastStatusPushAtMs = -Infinity;
  let shuttingDown = false;

  function onEvent(event: ClusterEvent): void {
    const message = eventMessage(event, messageContext);
    if (message.level === 'debug') log.debug(message.debugLevel ?? 1, message.text, message.meta);
    else log.log(message.level, message.text, message.meta);
    tracker.observe(event);
    updateGuardian();
    if (eventSubscribers.size > 0) {
      const notification = { at: wallAt(event.atMs), level: message.level, text: message.text, event: event as unknown as { kind: string } };
      for (const session of eventSubscribers) if (!session.notify('event', notification)) eventSubscribers.delete(session);
    }
    scheduleStatusPush();
  }

  function onAdminCompleted(completion: AdminCompletion): void {
    const pending = pendingAdmin.get(completion.requestId);
    if (pending === undefined) return;
    pendingAdmin.delete(completion.requestId);
    const tookMs = Math.round(clock.nowMs() - pending.startedAtMs);
    const moved = completion.moved.map((move) => ({ group: move.group, from: move.from, to: move.to }));
    // The engine's adminRequestFinished event carries the log line; this one only adds the wait.
    log.debug(1, `${pending.description}: answered after ${seconds(tookMs)}`);
    pending.resolve?.({ requestId: completion.requestId, completed: true, ok: completion.ok, message: completion.message, moved, tookMs });
  }

  function pushStatus(): void {
    statusPushTimer = null;
    lastStatusPushAtMs = clock.nowMs();
    if (statusSubscribers.size === 0) return;
    const document = status();
    for (const session of statusSubscribers) if (!session.notify('status', document)) statusSubscribers.delete(session);
  }

  function scheduleStatusPush(): void {
    if (statusSubscribers.size === 0 || statusPushTimer !== null) return;
    const waitMs = Math.max(0, lastStatusPushAtMs + STATUS_PUSH_MIN_INTERVAL_MS - clock.nowMs());
    statusPushTimer = setTimeout(pushStatus, waitMs);
  }

  // A subscriber gets the status at least once a second (uptime, ages move); with none, no timer
  // wakes hbd for it (an idle node's CPU is mostly its wake-ups).
  let statusRefresh: NodeJS.Timeout | null = null;
  function refreshStatusPushes(): void {
    if (statusSubscribers.size > 0) return scheduleStatusPush();
    if (statusRefresh !== null) clearInterval(statusRefresh);
    statusRefresh = null;
  }

  let resolveStopped: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((resolve) => {
    resolveStopped = resolve;
  });
  let shutdownCompleted: () => void = () => undefined;
  const shutdownDone = new Promise<void>((resolve) => {
    shutdownCompleted = resolve;
  });

  runtime = new Runtime<S>(
    engine,
    {
      clock,
      messenger,
      runner,
      prober,
      generations,
      fencer,
      checkStall: () => {
        const stalledMs = stall.check();
        if (stalledMs !== null) markStale();
        return stalledMs;
      },
    },
    {
      onEvent,
      onAdminCompleted,
      onShutdownCompleted: () => shutdownCompleted(),
      onFatal: (error) => {
        log.log('emerg', `${error.message}; hbd stops (${guardian === null ? 'resources are left as they are' : 'its guardian stops the groups held here'})`);
        void closeDown(70);
      },
      trace: (text) => log.debug(4, text),
      traceEnabled: () => log.debugLevel >= 4,
    },
  );

  // --- the view for hbctl ---------------------------------------------------------------------
  function view(): NodeView {
    const current = runtime?.describe();
    if (current === null || current === undefined) throw new IpcError('HB_IPC_INTERNAL', 'the engine has not started yet');
    return current;
  }

  function status(): StatusDocument {
    const nowMs = clock.nowMs();
    const stallFacts = stall.facts();
    return buildStatusDocument(
      view(),
      {
        pid: process.pid,
        version: HBD_VERSION,
        startedAt: new Date(startedAtWall).toISOString(),
        uptimeMs: Math.round(nowMs - startedAtMs),
        configDir: options.configDir,
        clusterName: config.clusterName,
        configDigest: config.digest,
        timers: { keepaliveMs: config.keepaliveMs, warntimeMs: config.warntimeMs, deadtimeMs: config.deadtimeMs, initdeadMs: config.initdeadMs },
        autoFailback: config.autoFailback,
        shuttingDown,
        packets: messenger!.stats(),
        eventLoop: {
          stalls: stallFacts.stalls,
          longestStallMs: Math.round(stallFacts.longestStallMs),
          lastStallAgoMs: stallFacts.lastStallAtMs === null ? null : Math.round(nowMs - stallFacts.lastStallAtMs),
          delayP99Ms: stallFacts.delayP99Ms === null ? null : Math.round(stallFacts.delayP99Ms * 100) / 100,
        },
        lastFailover: tracker.record(nowMs, wallAt),
      },
      nowMs,
    );
  }

  function nodeList(): NodeListResult {
    const document = status();
    return {
      nodes: [
        ...document.nodes.map((node) => ({
          name: node.name,
          type: 'normal' as const,
          local: node.local,
          status: node.status,
          lastHeardAgoMs: node.lastHeardAgoMs,
          links: node.links.map((link) => ({ link: link.link, status: link.status })),
        })),
        ...document.pingTargets.map((target) => ({
          name: target.name,
          type: 'ping' as const,
          local: false,
          status: target.status === 'up' ? 'ping' : 'dead',
          lastHeardAgoMs: target.lastHeardAgoMs,
          links: [],
        })),
      ],
    };
  }

  function resourceList(): ResourceListResult {
    const current = view();
    return {
      groups: config.groups.map((group) => {
        const state = current.groups.find((candidate) => candidate.id === group.id);
        return {
          id: group.id,
          preferredNode: group.preferredNode,
          owner: state?.owner ?? null,
          localState: state?.localState ?? 'stopped',
          resources: group.resources.map((resource, index) => ({
            token: resource.token,
            name: resource.name,
            args: resource.args,
            agentPath: resource.agent?.path ?? null,
            agentKind: resource.agent?.kind ?? null,
            state: state?.members[index]?.state ?? 'stopped',
          })),
        };
      }),
    };
  }

  function admin(request: AdminRequest, wait: boolean, description: string): Promise<AdminResult> {
    if (shuttingDown) return Promise.reject(new IpcError('HB_IPC_SHUTTING_DOWN', `${localNode} is shutting down: no ${request.command} now`));
    if (pendingAdmin.size >= MAX_PENDING_ADMIN) return Promise.reject(new IpcError('HB_IPC_BUSY', `${pendingAdmin.size} admin requests are still in progress`, { hint: 'wait for them (hbctl status) and try again' }));
    if (request.command === 'cleanup' && !config.groups.some((group) => group.id === request.group)) {
      return Promise.reject(new IpcError('HB_IPC_BAD_REQUEST', `no group "${request.group}" in haresources`, { hint: `groups: ${config.groups.map((group) => group.id).join(', ')}` }));
    }
    const requestId = `${localNode}-${process.pid}-${nextRequest++}`;
    log.log('notice', `${description} requested (request ${requestId})`);
    return new Promise((resolve) => {
      pendingAdmin.set(requestId, { startedAtMs: clock.nowMs(), description, resolve: wait ? resolve : null });
      if (!wait) resolve({ requestId, completed: false, ok: true, message: 'accepted; not waiting for the hand-over', moved: [], tookMs: null });
      runtime!.adminRequest(requestId, request);
    });
  }

  // --- control socket ---------------------------------------------------------------------------
  const socketPath = controlSocketPath(options.runDir);
  const server: ControlServer = createControlServer({
    socketPath,
    log,
    hello: () => ({ daemonVersion: HBD_VERSION, node: localNode, pid: process.pid }),
    handle: async (request, session) => {
      switch (request.method) {
        case 'status':
          return status();
        case 'nodeList':
          return nodeList();
        case 'resourceList':
          return resourceList();
        case 'standby':
        case 'takeover':
          return admin({ command: request.method, scope: request.params.scope }, request.params.wait, `${request.method} ${request.params.scope}`);
        case 'cleanup':
          return admin({ command: 'cleanup', group: request.params.group }, request.params.wait, `cleanup of group ${request.params.group}`);
        case 'fenceConfirm': {
          const answer = fencer.confirm(request.params.node);
          if (!answer.ok) throw new IpcError('HB_IPC_BAD_REQUEST', answer.message, { hint: 'a meatware fence waits on the node that fences (see its log: OPERATOR INTERVENTION REQUIRED)' });
          return { node: request.params.node, message: answer.message };
        }
        case 'fenceCheck':
          return { devices: await fencer.check() };
        case 'subscribe':
          if (request.params.events) eventSubscribers.add(session);
          if (request.params.status) {
            statusSubscribers.add(session);
            statusRefresh ??= setInterval(refreshStatusPushes, STATUS_PUSH_REFRESH_MS).unref();
          }
          session.onClose(() => {
            eventSubscribers.delete(session);
            statusSubscribers.delete(session);
          });
          if (request.params.status) setImmediate(() => session.notify('status', status()));
          return { subscribed: true };
      }
    },
  });
  await server.listen();
  const gid = haclientGid();
  for (const note of [secureRunDir(options.runDir, gid), secureSocket(socketPath, gid)]) if (note !== null) log.log('warning', note);
  writePidFile(options.runDir);
  fencer.checkDevices();

  // --- go ---------------------------------------------------------------------------------------
  log.log(
    'info',
    `hbd ${HBD_VERSION} starting on ${localNode} (pid ${process.pid}): cluster ${config.clusterName}, nodes ${config.nodes.join(', ')}; ` +
      `keepalive ${seconds(config.keepaliveMs)}, warntime ${seconds(config.warntimeMs)}, deadtime ${seconds(config.deadtimeMs)}, initdead ${seconds(config.initdeadMs)}, ` +
      `auto_failback ${config.autoFailback}; media: ${describeMedia(plan)}; control socket ${socketPath}`,
  );
  if (options.guardian !== undefined) {
    const guardianOptions = options.guardian;
    const warning = guardianTimingWarning(config);
    if (warning !== null) log.log('warning', warning);
    await waitForPreviousGuardian(options.runDir, Math.max(30_000, defaultShutdownTimeoutMs(config)), log);
    guardian = createGuardianLink({
      runDir: options.runDir,
      log,
      inheritStderr: guardianOptions.stderr,
      settings: guardianSettings(config, localNode, guardianOptions),
      ...(guardianOptions.script === undefined ? {} : { script: guardianOptions.script }),
    });
    await guardian.start();
  } else {
    log.debug(1, 'no guardian: if hbd dies, the resources it started keep running');
  }
  stall.start(onStall);
  runtime.start(config, localNode);

  // --- shutdown and reload ----------------------------------------------------------------------
  let closing: Promise<number> | null = null;
  /** `clean`: the engine completed its shutdown (groups stopped or handed over, peers told). */
  function closeDown(code: number, clean = false): Promise<number> {
    if (closing !== null) return closing;
    closing = (async () => {
      shuttingDown = true;
      runtime?.halt();
      fencer.stop();
      stall.stop();
      prober.stop();
      if (statusRefresh !== null) clearInterval(statusRefresh);
      if (statusPushTimer !== null) clearTimeout(statusPushTimer);
      for (const [requestId, pending] of pendingAdmin) {
        pending.resolve?.({ requestId, completed: true, ok: false, message: `hbd on ${localNode} stopped before the request completed`, moved: [], tookMs: null });
      }
      pendingAdmin.clear();
      await transport.flush(500);
      await transport.close();
      await server.close();
      removeRunFiles(options.runDir);
      // Without the goodbye, the guardian stops whatever is still held, as after a crash.
      await guardian?.close(clean);
      if (code !== RESTART_KEEPING_RESOURCES) log.log('info', `hbd on ${localNode} exiting (status ${code})`);
      resolveStopped(code);
      return code;
    })();
    return closing;
  }

  let shuttingDownPromise: Promise<number> | null = null;
  function shutdown(reason: string): Promise<number> {
    if (shuttingDownPromise !== null) {
      log.log('notice', `${reason}: shutdown already in progress`);
      return shuttingDownPromise;
    }
    shuttingDown = true;
    const timeoutMs = options.shutdownTimeoutMs ?? defaultShutdownTimeoutMs(config);
    log.log('notice', `${reason}: shutting down (stopping local groups right to left; at most ${seconds(timeoutMs)})`);
    shuttingDownPromise = (async () => {
      runtime?.deliver({ kind: 'shutdownRequested' });
      let timer: NodeJS.Timeout | null = null;
      const timedOut = await Promise.race([
        shutdownDone.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      if (timer !== null) clearTimeout(timer);
      if (timedOut) {
        const held = runtime?.describe()?.groups.filter((group) => group.localState !== 'stopped').map((group) => `${group.id} (${group.localState})`) ?? [];
        log.log('crit', `shutdown did not complete in ${seconds(timeoutMs)}; still not stopped here: ${held.join(', ') || 'nothing'}; killing running agents and exiting anyway`);
        runner.abortAll();
      }
      return closeDown(timedOut ? 1 : 0, !timedOut);
    })();
    return shuttingDownPromise;
  }

  async function reload(): Promise<void> {
    if (options.reloadConfig === undefined) {
      log.log('notice', 'reload requested, but this hbd was started without a configuration directory to re-read');
      return;
    }
    log.log('notice', `reloading the configuration from ${options.configDir}`);
    const result = await options.reloadConfig();
    if (!result.ok) {
      log.log('error', `configuration reload refused (${result.errors.length} error(s)); still running on the previous configuration:`);
      for (const error of result.errors) log.log('error', `  ${error}`);
      return;
    }
    for (const warning of result.warnings) log.log('warning', warning);
    const next = result.config;
    log.reconfigure(next.logging);
    const needRestart: string[] = [];
    if (next.digest !== config.digest) needRestart.push('cluster-wide settings (nodes, timers, groups or auth method)');
    else if (engineSettings(next) !== engineSettings(config)) needRestart.push('engine settings (timeouts, retries, monitoring)');
    if (JSON.stringify(next.media) !== JSON.stringify(config.media) || next.udpPort !== config.udpPort) needRestart.push('heartbeat media');
    if (JSON.stringify(next.pingTargets) !== JSON.stringify(config.pingTargets)) needRestart.push('ping targets');
    if (fencingSettings(next) !== fencingSettings(config)) needRestart.push('fencing (stonith_host, stonith_*)');
    if (needRestart.length > 0) {
      if (options.restartOnReload === true) {
        await restartKeepingResources(next, needRestart);
        return;
      }
      log.log(
        'warning',
        `configuration reloaded: log settings applied; changes to ${needRestart.join(', ')} need a restart of hbd ` +
          '(stop hands the groups to a peer; or restart every node) and are NOT in effect yet',
      );
      return;
    }
    // Same cluster-wide settings: new keys (a key rotation) and agent settings apply now.
    if (JSON.stringify(next.auth) !== JSON.stringify(config.auth)) {
      try {
        messenger?.setCodec(createCodec({ config: next, hmac: options.hmac ?? nodeHmac }));
        log.log('notice', 'authkeys re-read: the new keys are in use');
      } catch (error) {
        log.log('error', `authkeys not applied: ${(error as Error).message}`);
        return;
      }
    }
    config = next;
    messageContext = eventMessageContext(config, localNode);
    if (options.guardian !== undefined) guardian?.configure(guardianSettings(config, localNode, options.guardian));
    log.log('notice', 'configuration reloaded');
  }

  /**
   * Heartbeat's quick restart (`heartbeat -R`, reference §1.6): the engine, media and prober are
   * rebuilt from the new files in this same process, and the resources stay up. The new engine's
   * start-up probe finds every group still running whole and adopts it with a fresh takeover epoch;
   * peers see a new generation and wait for its claims (a peer still starting is waited for, bounded
   * by initdead) instead of taking anything over. Refused while a group this node holds would be
   * dropped from haresources (the new engine would no longer know to stop it), and deferred while
   * a start, a stop or an hbctl request is in progress.
   */
  let restartConfig: ClusterConfig | null = null;
  let restartRequested = false;
  async function restartKeepingResources(next: ClusterConfig, changes: readonly string[]): Promise<void> {
    if (restartRequested) return;
    const held = (runtime?.describe()?.groups ?? []).filter((group) => group.localState !== 'stopped');
    const dropped = held.filter((group) => !next.groups.some((candidate) => candidate.id === group.id)).map((group) => `${group.id} (${group.localState})`);
    if (dropped.length > 0) {
      log.log(
        'error',
        `configuration reload refused: haresources no longer lists ${dropped.join(', ')}, held here; hand it over or stop it first ` +
          '("hbctl standby" moves this node\'s groups to a peer), then reload again. Still running on the previous configuration',
      );
      return;
    }
    let capacity: ReturnType<typeof checkHeartbeatCapacity>;
    try {
      capacity = checkHeartbeatCapacity(createCodec({ config: next, hmac: options.hmac ?? nodeHmac }), next);
    } catch (error) {
      log.log('error', `configuration reload refused: ${(error as Error).message}; still running on the previous configuration`);
      return;
    }
    if (!capacity.ok) {
      log.log('error', `configuration reload refused: ${capacity.error.code}: ${capacity.error.message}; still running on the previous configuration`);
      return;
    }
    restartRequested = true;
    const waitStartedAtMs = clock.nowMs();
    let nextNoteAtMs = waitStartedAtMs;
    for (;;) {
      const busy = (runtime?.describe()?.groups ?? []).filter((group) => group.localState === 'starting' || group.localState === 'stopping').map((group) => `${group.id} (${group.localState})`);
      if (pendingAdmin.size > 0) busy.push(`${pendingAdmin.size} hbctl request(s)`);
      if (busy.length === 0) break;
      if (shuttingDown) return;
      if (clock.nowMs() - waitStartedAtMs >= RELOAD_QUIET_WAIT_MS) {
        restartRequested = false;
        log.log('error', `configuration reload given up: still busy after ${seconds(RELOAD_QUIET_WAIT_MS)} (${busy.join(', ')}); still running on the previous configuration; send SIGHUP again later`);
        return;
      }
      if (clock.nowMs() >= nextNoteAtMs) {
        nextNoteAtMs = clock.nowMs() + 5000;
        log.log('notice', `configuration reload: waiting for ${busy.join(', ')} to finish before restarting`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (shuttingDown) return;
    const keeping = (runtime?.describe()?.groups ?? []).filter((group) => group.localState === 'started').map((group) => group.id);
    log.log(
      'notice',
      `configuration reloaded: ${changes.join(', ')} changed; restarting hbd in place (generation ${generation} → ${generation + 1}) ` +
        `keeping the resources running${keeping.length > 0 ? ` (${keeping.join(', ')}: adopted again by the start-up probe)` : ''}`,
    );
    restartConfig = next;
    runner.abortAll(); // only monitor status checks can be in flight now
    await closeDown(RESTART_KEEPING_RESOURCES, true);
  }

  return {
    localNode,
    socketPath,
    pid: process.pid,
    status,
    shutdown,
    reload,
    stopped,
    nextConfig: () => restartConfig,
  };
}
