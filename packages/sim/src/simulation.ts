// The simulated cluster: N engines, one clock, one agenda. Time only moves when the harness
// advances it to the next thing that happens: a node's wake-up, a packet delivery, an agent or
// ping completing, a fence, or a scheduled fault. Everything random comes from the seed.

import type { ClusterConfig } from '@hbd/config';
import type { AdminRequest, ClusterEvent, Effect, Input, NodeView, StepResult } from '@hbd/core';
import { DEFAULT_TIMING, SimAgents, type AgentTiming, type OpInFlight } from './agents';
import type { CodecEndpoint, Packet, SimCodec } from './codec';
import { Connectivity } from './connectivity';
import type { Engine } from './engine-port';
import { EventQueue } from './event-queue';
import { defaultBounds, InvariantMonitor, type InvariantBounds, type NodeRunState, type Violation, type World } from './invariants';
import { CLEAN_CHANNEL, SimNetwork, type ChannelConditions } from './network';
import { SimPing } from './ping';
import { SimRng } from './rng';
import { buildClusterConfig, linkName, type SimTopology } from './sim-config';
import { Timeline, type TimelineMode } from './timeline';
import { wireCodec } from './wire-codec';

/** A node's monotonic clock: its own origin and a small rate error. */
export interface NodeClock {
  readonly offsetMs: number;
  readonly driftPpm: number;
}

export interface SimulationOptions {
  readonly seed: number;
  readonly topology: SimTopology;
  readonly engine: Engine;
  /** How packets cross the wire; default: the real @hbd/wire codec with node:crypto HMAC. */
  readonly codec?: (config: ClusterConfig) => SimCodec;
  readonly timing?: (resourceName: string) => AgentTiming;
  readonly baseChannel?: ChannelConditions;
  readonly clocks?: Readonly<Record<string, NodeClock>>;
  readonly pingDelayMs?: readonly [number, number];
  readonly fenceDelayMs?: readonly [number, number];
  /** How long a fenced node stays off before it boots again (0: it stays off). */
  readonly rebootAfterFenceMs?: number;
  /** Whether fencing requests succeed (a broken fence device says no). */
  readonly fenceSucceeds?: (requester: string, target: string) => boolean;
  readonly timeline?: TimelineMode;
  readonly bounds?: InvariantBounds;
  readonly maxSteps?: number;
  /** Keep every emitted event in `events` (default: only with a full timeline). */
  readonly keepEvents?: boolean;
  /** Also put every packet, operation result and ping result a node receives in the timeline. */
  readonly trace?: boolean;
}

type Agenda =
  | { readonly kind: 'timer'; readonly node: string; readonly token: number }
  | { readonly kind: 'deliver'; readonly from: string; readonly fromIncarnation: number; readonly to: string; readonly link: string; readonly packet: Packet }
  | { readonly kind: 'opDone'; readonly node: string; readonly incarnation: number; readonly opId: number }
  | { readonly kind: 'pingDone'; readonly node: string; readonly incarnation: number; readonly target: string; readonly address: string; readonly reachable: boolean }
  | { readonly kind: 'fence'; readonly requester: string; readonly requesterIncarnation: number; readonly target: string; readonly reason: string }
  | { readonly kind: 'action'; readonly label: string; readonly run: () => void };

interface Deferred {
  readonly build: (localNowMs: number) => Input;
  readonly before?: () => void;
}

interface SimNode {
  readonly name: string;
  readonly clock: NodeClock;
  runState: NodeRunState;
  state: unknown;
  incarnation: number;
  persistedGeneration: number;
  timerToken: number;
  wakeAtMs: number | null;
  endpoint: CodecEndpoint;
  view: NodeView | null;
  pausedAtMs: number;
  deferred: Deferred[];
  shuttingDown: boolean;
  /** Consecutive wake-ups at the same instant: a busy loop guard. */
  sameInstantWakeups: number;
  lastWakeAtMs: number;
}

export interface AdminRecord {
  readonly requestId: string;
  readonly node: string;
  readonly request: AdminRequest;
  readonly issuedAtMs: number;
  readonly incarnation: number;
  completedAtMs: number | null;
  ok: boolean | null;
  message: string;
  moved: readonly { readonly group: string; readonly from: string | null; readonly to: string }[];
  voided: boolean;
  pausedMs: number;
}

export interface SimStats {
  steps: number;
  packets: number;
  packetsDropped: number;
  resourceOps: number;
  fences: number;
  fencesWithoutDevice: number;
  crashes: number;
  restarts: number;
}

export class Simulation implements World {
  readonly config: ClusterConfig;
  readonly topology: SimTopology;
  readonly agents: SimAgents;
  readonly network: SimNetwork;
  readonly ping: SimPing;
  readonly monitor: InvariantMonitor;
  readonly connectivity: Connectivity;
  readonly timeline: Timeline;
  readonly links: readonly string[];
  readonly admin = new Map<string, AdminRecord>();
  readonly stats: SimStats = { steps: 0, packets: 0, packetsDropped: 0, resourceOps: 0, fences: 0, fencesWithoutDevice: 0, crashes: 0, restarts: 0 };
  /** Every event the engines emitted, in order (kept with a full timeline, or when asked for). */
  readonly events: { atMs: number; node: string; event: ClusterEvent }[] = [];
  /** Called for every event an engine emits (the simulated operator reads the log this way). */
  readonly eventListeners: ((node: string, event: ClusterEvent) => void)[] = [];
  /** Fence requests accepted by the simulated fence device and not carried out yet. */
  fencesInFlight = 0;
  /** Start and stop operations issued so far (status checks excluded). */
  startStopOps = 0;
  private readonly keepEvents: boolean;
  private markerCache = new Map<string, { version: number; status: string; text: string }>();
  /** Groups an operator's standby/takeover moved (auto_failback does not undo those). */
  readonly movedByAdmin = new Set<string>();
  /** Packets the receiving end refused, by wire error code (replays of duplicated packets are normal). */
  readonly dropCounts = new Map<string, number>();

  private readonly engine: Engine;
  private readonly codec: SimCodec;
  private readonly queue = new EventQueue<Agenda>();
  private readonly nodes = new Map<string, SimNode>();
  private readonly rngPing: SimRng;
  private readonly rngFence: SimRng;
  private readonly options: SimulationOptions;
  private now = 0;
  private nextRequestId = 1;
  private stopped = false;

  constructor(options: SimulationOptions) {
    this.options = options;
    this.topology = options.topology;
    this.config = buildClusterConfig(options.topology);
    this.engine = options.engine;
    this.codec = (options.codec ?? wireCodec)(this.config);
    const root = SimRng.fromSeed(options.seed);
    this.rngPing = root.fork('ping');
    this.rngFence = root.fork('fence');
    this.links = this.topology.media.map(linkName);
    this.agents = new SimAgents(this.config, root.fork('agents'), options.timing ?? (() => DEFAULT_TIMING));
    this.network = new SimNetwork(this.topology.nodes, this.links, root.fork('network'), options.baseChannel ?? CLEAN_CHANNEL);
    this.ping = new SimPing(this.topology.pingTargets);
    // A little under deadtime: a pair counts as connected only while neither could have declared the other dead.
    this.connectivity = new Connectivity(Math.max(1, this.topology.deadtimeMs - Math.ceil(this.topology.keepaliveMs / 2)));
    this.monitor = new InvariantMonitor(this, options.bounds ?? defaultBounds(this.topology));
    this.timeline = new Timeline(options.timeline ?? 'tail', this.topology, (n) => this.markerOf(n));
    this.keepEvents = options.keepEvents ?? options.timeline === 'full';
    for (const name of this.topology.nodes) {
      this.nodes.set(name, {
        name,
        clock: options.clocks?.[name] ?? { offsetMs: 0, driftPpm: 0 },
        runState: 'down',
        state: null,
        incarnation: 0,
        persistedGeneration: 0,
        timerToken: 0,
        wakeAtMs: null,
        endpoint: this.codec.endpoint(name),
        view: null,
        pausedAtMs: 0,
        deferred: [],
        shuttingDown: false,
        sameInstantWakeups: 0,
        lastWakeAtMs: -1,
      });
    }
  }

  // ---- World (read by the invariants and by scenario code) -----------------------------------

  get nowMs(): number {
    return this.now;
  }

  get violations(): readonly Violation[] {
    return this.monitor.violations;
  }

  get failed(): boolean {
    return this.monitor.failed;
  }

  nodeRunState(node: string): NodeRunState {
    return this.node(node).runState;
  }

  pingReach(node: string): number {
    return this.ping.reachCount(node);
  }

  solidSince(a: string, b: string): number | null {
    return this.connectivity.solidSince(a, b, this.now);
  }

  /** The node's latest NodeView (null while it is down). */
  view(node: string): NodeView | null {
    const n = this.node(node);
    return n.runState === 'down' ? null : n.view;
  }

  persistedGeneration(node: string): number {
    return this.node(node).persistedGeneration;
  }

  /** Nodes on which every member of the group really runs. */
  holders(group: string): string[] {
    const g = this.agents.groupIndexOf(group);
    if (g === undefined) return [];
    return this.topology.nodes.filter((n) => this.agents.isFullyRunning(n, g));
  }

  /** Nodes on which any member of the group runs or is being started/stopped. */
  activeOn(group: string): string[] {
    const g = this.agents.groupIndexOf(group);
    if (g === undefined) return [];
    return this.topology.nodes.filter((n) => this.agents.isActive(n, g));
  }

  // ---- Driving time --------------------------------------------------------------------------

  /** Schedules harness code (a fault, an admin request) at an absolute simulated instant. */
  at(atMs: number, label: string, run: () => void): void {
    this.queue.push(Math.max(atMs, this.now), { kind: 'action', label, run });
  }

  /** Processes everything scheduled up to and including `untilMs`, then sets the clock there. */
  runUntil(untilMs: number): void {
    const maxSteps = this.options.maxSteps ?? 5_000_000;
    for (;;) {
      if (this.stopped) return;
      const next = this.queue.peek();
      if (next === undefined || next.atMs > untilMs) break;
      this.queue.pop();
      this.now = next.atMs;
      this.dispatch(next.item);
      if (this.stats.steps > maxSteps) {
        this.monitor.report('E2', null, `more than ${maxSteps} engine steps: the run does not settle`);
        this.stopped = true;
        return;
      }
    }
    if (untilMs > this.now) this.now = untilMs;
  }

  /** Stops processing: the first violation ends a run (its timeline is what you want to read). */
  halt(): void {
    this.stopped = true;
  }

  get halted(): boolean {
    return this.stopped;
  }

  // ---- Node lifecycle -----------------------------------------------------------------------

  /** Boots the daemon on a node that is down, with the generation persisted by its last life. */
  boot(name: string): void {
    const n = this.node(name);
    if (n.runState !== 'down') return;
    n.runState = 'up';
    n.incarnation++;
    n.endpoint = this.codec.endpoint(name);
    n.shuttingDown = false;
    n.deferred = [];
    n.view = null;
    n.sameInstantWakeups = 0;
    this.connectivity.forget(name);
    this.monitor.onNodeRestarted(name);
    if (n.incarnation > 1) this.stats.restarts++;
    this.timeline.sim(this.now, name, n.incarnation > 1 ? `hbd restarted (persisted generation ${n.persistedGeneration})` : 'hbd started');
    const boot = { localNode: name, nowMs: this.localNow(n), previousGeneration: n.persistedGeneration };
    this.guard(n, () => this.engine.createNode(this.config, boot));
  }

  /** Power loss: the engine's state is discarded, services die, operations never report. */
  crash(name: string, why = 'crashed (power off)'): void {
    const n = this.node(name);
    if (n.runState === 'down') return;
    this.stats.crashes++;
    this.takeDown(n);
    this.agents.machineDown(name);
    this.monitor.onNodeCleared(name);
    this.timeline.sim(this.now, name, why);
  }

  /** kill -9 of the daemon only: services keep running, in-flight operations finish unseen. */
  crashProcess(name: string): void {
    const n = this.node(name);
    if (n.runState === 'down') return;
    this.stats.crashes++;
    this.takeDown(n);
    this.agents.processDown(name);
    this.timeline.sim(this.now, name, 'hbd killed (kill -9); services left as they were');
  }

  /** SIGTERM: the engine stops its groups and reports shutdownCompleted; then the process exits. */
  shutdown(name: string): void {
    const n = this.node(name);
    if (n.runState === 'down' || n.shuttingDown) return;
    n.shuttingDown = true;
    this.timeline.sim(this.now, name, 'hbd stop requested (SIGTERM)');
    this.input(n, (nowMs) => ({ kind: 'shutdownRequested', nowMs }));
  }

  /** The whole process freezes (SIGSTOP, VM pause): inputs queue up and arrive at once on resume. */
  pause(name: string, forMs: number): void {
    const n = this.node(name);
    if (n.runState !== 'up') return;
    n.runState = 'paused';
    n.pausedAtMs = this.now;
    const incarnation = n.incarnation;
    this.timeline.sim(this.now, name, `hbd paused for ${(forMs / 1000).toFixed(1)} s (SIGSTOP)`);
    for (const rec of this.admin.values()) if (rec.node === name && rec.completedAtMs === null) rec.pausedMs += forMs;
    this.at(this.now + forMs, `resume ${name}`, () => {
      if (n.incarnation === incarnation && n.runState === 'paused') this.resume(n);
    });
  }

  private resume(n: SimNode): void {
    n.runState = 'up';
    const stalledMs = this.now - n.pausedAtMs;
    this.timeline.sim(this.now, n.name, `hbd resumed after ${(stalledMs / 1000).toFixed(1)} s`);
    const deferred = n.deferred;
    n.deferred = [];
    this.input(n, (nowMs) => ({ kind: 'localStallDetected', nowMs, stalledMs }));
    for (const d of deferred) {
      if (n.runState !== 'up') break;
      this.input(n, d.build, d.before);
    }
    if (n.runState === 'up') this.input(n, (nowMs) => ({ kind: 'timer', nowMs }));
  }

  private takeDown(n: SimNode): void {
    n.runState = 'down';
    n.state = null;
    n.view = null;
    n.incarnation++;
    n.timerToken++;
    n.wakeAtMs = null;
    n.deferred = [];
    n.shuttingDown = false;
    this.connectivity.forget(n.name);
    for (const rec of this.admin.values()) {
      if (rec.node === n.name && rec.completedAtMs === null) rec.voided = true;
    }
  }

  // ---- Operator actions ----------------------------------------------------------------------

  /** hb_standby / hb_takeover / cleanup on one node; returns the request id. */
  adminRequest(name: string, request: AdminRequest): string {
    const n = this.node(name);
    const requestId = `r${this.nextRequestId++}`;
    const rec: AdminRecord = {
      requestId,
      node: name,
      request,
      issuedAtMs: this.now,
      incarnation: n.incarnation,
      completedAtMs: null,
      ok: null,
      message: '',
      moved: [],
      voided: n.runState === 'down',
      pausedMs: 0,
    };
    this.admin.set(requestId, rec);
    const words = request.command === 'cleanup' ? `hbctl cleanup ${request.group}` : `hb_${request.command} ${request.scope}`;
    if (request.command === 'cleanup') this.monitor.onCleanup(request.group, name);
    this.timeline.sim(this.now, name, `operator runs ${words} (${requestId})`);
    if (n.runState !== 'down') this.input(n, (nowMs) => ({ kind: 'adminRequested', nowMs, requestId, request }));
    return requestId;
  }

  /** The operator stops what is left of a group on a node by hand, then tells hbd (`cleanup`). */
  operatorCleanup(name: string, group: string): string {
    this.stopByHand(name, group);
    return this.adminRequest(name, { command: 'cleanup', group });
  }

  /** The operator stops whatever of a group still runs on a node, outside hbd. */
  stopByHand(name: string, group: string): void {
    const g = this.agents.groupIndexOf(group);
    if (g === undefined) throw new Error(`unknown group ${group}`);
    this.agents.stopByHand(name, g);
    this.monitor.onGroupClearedByHand(name, g);
    this.timeline.sim(this.now, name, `operator stops ${group} by hand`);
  }

  /** A running service dies by itself (noticed only if monitoring is on). */
  killService(name: string, group: string, memberIndex: number): void {
    const g = this.agents.groupIndexOf(group);
    if (g === undefined) return;
    if (this.agents.serviceDied(name, g, memberIndex)) {
      this.timeline.sim(this.now, name, `${this.topology.groups[g]?.tokens[memberIndex]} died by itself`);
    }
  }

  /** A free-form line in the timeline (scenario narration). */
  note(name: string | null, text: string): void {
    this.timeline.sim(this.now, name, text);
  }

  // ---- Dispatch ------------------------------------------------------------------------------

  private dispatch(item: Agenda): void {
    switch (item.kind) {
      case 'timer': {
        const n = this.node(item.node);
        if (n.timerToken !== item.token || n.runState !== 'up') return;
        n.wakeAtMs = null;
        this.input(n, (nowMs) => ({ kind: 'timer', nowMs }));
        return;
      }
      case 'deliver':
        this.deliver(item);
        return;
      case 'opDone': {
        const n = this.node(item.node);
        // The incarnation that issued it is gone: its ops were settled (process died) or lost (power
        // off) then, and the next incarnation numbers its ops from 1 again, so this op id may now
        // name one of *its* ops, which must not be finished (and its result lost) by this event.
        if (n.incarnation !== item.incarnation) return;
        const op = this.agents.opInFlight(item.node, item.opId);
        if (op === undefined) return; // the machine died meanwhile
        const result = this.agents.finish(op);
        if (op.action === 'stop' && result.outcome !== 'ok' && this.agents.memberTruth(op.node, op.groupIndex, op.memberIndex) !== 'stopped') {
          this.monitor.onStopFailed(op.node, n.incarnation, op.groupIndex);
        }
        if (n.incarnation !== item.incarnation || n.runState === 'down') return;
        this.input(n, (nowMs) => ({ kind: 'resourceOpFinished', nowMs, opId: item.opId, ...result }));
        return;
      }
      case 'pingDone': {
        const n = this.node(item.node);
        if (n.incarnation !== item.incarnation) return;
        this.input(n, (nowMs) => ({ kind: 'pingProbeFinished', nowMs, target: item.target, address: item.address, reachable: item.reachable }));
        return;
      }
      case 'fence':
        this.fence(item);
        return;
      case 'action':
        item.run();
        return;
    }
  }

  private deliver(item: Extract<Agenda, { kind: 'deliver' }>): void {
    const n = this.node(item.to);
    if (n.runState === 'down') {
      this.stats.packetsDropped++;
      return;
    }
    const decoded = n.endpoint.decode(item.packet, item.link);
    if (!decoded.ok) {
      this.stats.packetsDropped++;
      this.dropCounts.set(decoded.code, (this.dropCounts.get(decoded.code) ?? 0) + 1);
      return;
    }
    this.stats.packets++;
    const before = () => {
      if (decoded.message.type === 'heartbeat') this.connectivity.delivered(decoded.from, item.to, this.now);
      this.monitor.onHeartbeatDelivered(item.from, item.fromIncarnation, item.to, n.incarnation, decoded.message);
    };
    this.input(
      n,
      (nowMs) => ({ kind: 'packetReceived', nowMs, from: decoded.from, link: item.link, generation: decoded.generation, message: decoded.message }),
      before,
    );
  }

  private fence(item: Extract<Agenda, { kind: 'fence' }>): void {
    this.fencesInFlight--;
    const target = this.node(item.target);
    const success = this.options.fenceSucceeds?.(item.requester, item.target) ?? true;
    if (success) {
      if (target.runState !== 'down') {
        this.crash(item.target, `fenced by ${item.requester} (power reset)`);
      } else {
        // hbd is not running there, but the machine is: the reset still stops its services.
        this.agents.machineDown(item.target);
        this.monitor.onNodeCleared(item.target);
        this.timeline.sim(this.now, item.target, `fenced by ${item.requester} (power reset; hbd was not running)`);
      }
      const rebootMs = this.options.rebootAfterFenceMs ?? 0;
      if (rebootMs > 0) {
        const inc = target.incarnation;
        this.at(this.now + rebootMs, `reboot ${item.target}`, () => {
          if (target.incarnation === inc && target.runState === 'down') this.boot(item.target);
        });
      }
    } else {
      this.timeline.sim(this.now, item.target, `fencing by ${item.requester} failed`);
    }
    const requester = this.node(item.requester);
    if (requester.incarnation !== item.requesterIncarnation || requester.runState === 'down') return;
    this.input(requester, (nowMs) => ({ kind: 'fenceFinished', nowMs, node: item.target, success }));
  }

  /** Hands an input to a node's engine now, or queues it while the node is paused. */
  private input(n: SimNode, build: (localNowMs: number) => Input, before?: () => void): void {
    if (n.runState === 'down') return;
    if (n.runState === 'paused') {
      n.deferred.push(before === undefined ? { build } : { build, before });
      return;
    }
    before?.();
    const input = build(this.localNow(n));
    if (this.options.trace === true) this.traceInput(n.name, input);
    const state = n.state;
    this.guard(n, () => this.engine.step(state, input));
  }

  /** Runs one engine call; a throw is a programmer error in the engine and ends the run. */
  private guard(n: SimNode, call: () => StepResult<unknown>): void {
    let result: StepResult<unknown>;
    try {
      result = call();
    } catch (err) {
      const e = err as Error;
      this.monitor.report('E1', n.name, `engine threw: ${e?.stack ?? String(err)}`);
      this.stopped = true;
      return;
    }
    this.stats.steps++;
    this.apply(n, result);
  }

  private apply(n: SimNode, result: StepResult<unknown>): void {
    n.state = result.state;
    const view = this.engine.describeNode(result.state);
    n.view = view;
    this.monitor.onView(n.name, n.incarnation, view);
    const incarnation = n.incarnation;
    for (const effect of result.effects) {
      if (n.incarnation !== incarnation || n.runState === 'down') break; // fenced itself, or shut down
      this.effect(n, effect, view);
    }
    if (n.incarnation === incarnation && n.runState !== 'down') this.arm(n, result.wakeAtMs);
    this.monitor.checkS1();
    if (this.monitor.failed) this.stopped = true;
  }

  private effect(n: SimNode, effect: Effect, view: NodeView): void {
    switch (effect.kind) {
      case 'sendMessage': {
        this.monitor.onSend(n.name, n.persistedGeneration, view, effect.message);
        const m = effect.message;
        if (m.type === 'groupReleased' && (m.reason === 'standby' || m.reason === 'takeover')) for (const g of m.groups) this.movedByAdmin.add(g);
        let encoded: ReturnType<CodecEndpoint['encode']>;
        try {
          encoded = n.endpoint.encode(effect.message, view.generation);
        } catch (err) {
          encoded = { ok: false, code: 'HB_SIM_ENCODE_THREW', reason: String(err) };
        }
        if (!encoded.ok) {
          this.monitor.report('E2', n.name, `sent a ${effect.message.type} message the wire cannot carry: ${encoded.code} ${encoded.reason}`);
          return;
        }
        const packet = encoded.packet;
        const targets = effect.to === 'all' ? this.topology.nodes.filter((x) => x !== n.name) : [effect.to];
        for (const to of targets) {
          if (to === n.name) continue;
          if (!this.nodes.has(to)) {
            this.monitor.report('E2', n.name, `sendMessage to unknown node ${to}`);
            continue;
          }
          for (const link of this.links) {
            for (const delay of this.network.transmit(n.name, to, link)) {
              this.queue.push(this.now + delay, { kind: 'deliver', from: n.name, fromIncarnation: n.incarnation, to, link, packet });
            }
          }
        }
        return;
      }
      case 'runResourceOp': {
        this.stats.resourceOps++;
        if (effect.action !== 'status') this.startStopOps++;
        this.monitor.onResourceOp(n.name, n.incarnation, effect, view, this.topology.fencing);
        if (this.agents.groupIndexOf(effect.group) === undefined) return;
        const op: OpInFlight = this.agents.begin(n.name, effect, this.now);
        this.queue.push(op.finishAtMs, { kind: 'opDone', node: n.name, incarnation: n.incarnation, opId: effect.opId });
        return;
      }
      case 'probePingTarget': {
        const reachable = this.ping.reachable(n.name, effect.address);
        const [lo, hi] = this.options.pingDelayMs ?? [1, 20];
        const delay = reachable ? this.rngPing.int(lo, Math.min(hi, Math.max(lo, effect.timeoutMs))) : Math.max(1, effect.timeoutMs);
        this.queue.push(this.now + delay, {
          kind: 'pingDone',
          node: n.name,
          incarnation: n.incarnation,
          target: effect.target,
          address: effect.address,
          reachable,
        });
        return;
      }
      case 'persistGeneration':
        this.monitor.onPersistGeneration(n.name, n.persistedGeneration, effect.generation);
        n.persistedGeneration = Math.max(n.persistedGeneration, effect.generation);
        return;
      case 'fenceNode': {
        this.stats.fences++;
        if (!this.nodes.has(effect.node)) {
          this.monitor.report('E2', n.name, `fenceNode for unknown node ${effect.node}`);
          return;
        }
        if (!this.topology.fencing) {
          this.stats.fencesWithoutDevice++;
          const inc = n.incarnation;
          this.at(this.now + 1, `no fence device for ${n.name}`, () => {
            if (n.incarnation === inc && n.runState !== 'down') {
              this.input(n, (nowMs) => ({ kind: 'fenceFinished', nowMs, node: effect.node, success: false }));
            }
          });
          return;
        }
        const [lo, hi] = this.options.fenceDelayMs ?? [500, 3_000];
        this.fencesInFlight++;
        this.queue.push(this.now + this.rngFence.int(lo, hi), {
          kind: 'fence',
          requester: n.name,
          requesterIncarnation: n.incarnation,
          target: effect.node,
          reason: effect.reason,
        });
        return;
      }
      case 'adminRequestCompleted': {
        const rec = this.admin.get(effect.requestId);
        if (rec === undefined) {
          this.monitor.report('E2', n.name, `adminRequestCompleted for unknown request ${effect.requestId}`);
          return;
        }
        if (rec.completedAtMs === null) {
          rec.completedAtMs = this.now;
          rec.ok = effect.ok;
          rec.message = effect.message;
          rec.moved = effect.moved;
        }
        for (const m of effect.moved) this.movedByAdmin.add(m.group);
        return;
      }
      case 'emit':
        if (this.keepEvents) this.events.push({ atMs: this.now, node: n.name, event: effect.event });
        this.timeline.event(this.now, n.name, effect.event);
        for (const listen of this.eventListeners) listen(n.name, effect.event);
        if (effect.event.kind === 'shutdownCompleted') this.exited(n);
        // hb_takeover starting a group nobody held: an operator placement too (no failback), known
        // before the request completes (it may complete long after, or never within the check).
        if (effect.event.kind === 'groupTakeoverStarted' && effect.event.reason.startsWith('hb_takeover on ')) this.movedByAdmin.add(effect.event.group);
        return;
    }
  }

  private traceInput(node: string, input: Input): void {
    switch (input.kind) {
      case 'packetReceived': {
        const m = input.message;
        const detail =
          m.type === 'heartbeat'
            ? `${m.status} ping ${m.pingReachable} claims [${m.claims.map((c) => `${c.group.split('::')[1] ?? c.group}:${c.state}@${c.epoch}`).join(' ')}]`
            : m.type === 'ack'
              ? `#${m.msgId}`
              : JSON.stringify({ ...m, type: undefined });
        this.timeline.trace(this.now, node, `<- ${m.type} from ${input.from} g${input.generation} on ${input.link}: ${detail}`);
        return;
      }
      case 'resourceOpFinished':
        this.timeline.trace(this.now, node, `<- op ${input.opId} ${input.outcome}`);
        return;
      case 'pingProbeFinished':
        this.timeline.trace(this.now, node, `<- ping ${input.address} ${input.reachable ? 'answered' : 'no answer'}`);
        return;
      case 'timer':
        return;
      default:
        this.timeline.trace(this.now, node, `<- ${input.kind}`);
    }
  }

  /** After shutdownCompleted the process exits: whatever still runs there is reported. */
  private exited(n: SimNode): void {
    const left: string[] = [];
    this.config.groups.forEach((grp, g) => {
      // A group the node itself reports unclean may stay behind: that is what unclean means.
      const unclean = n.view?.groups.find((x) => x.id === grp.id)?.localState === 'unclean';
      if (this.agents.isActive(n.name, g) && !unclean && !this.monitor.hasFailedStop(n.name, g)) left.push(grp.id);
    });
    if (left.length > 0) this.monitor.report('E3', n.name, `shut down cleanly but left ${left.join(', ')} running`);
    this.takeDown(n);
    this.timeline.sim(this.now, n.name, 'hbd exited');
  }

  private arm(n: SimNode, wakeAtMs: number): void {
    n.timerToken++;
    if (!Number.isFinite(wakeAtMs)) {
      if (Number.isNaN(wakeAtMs)) this.monitor.report('E2', n.name, 'wakeAtMs is NaN');
      n.wakeAtMs = null;
      return;
    }
    const at = Math.max(this.now, this.globalFor(n, wakeAtMs));
    if (at === this.now && n.lastWakeAtMs === this.now) {
      if (++n.sameInstantWakeups > 1_000) {
        this.monitor.report('E2', n.name, `asked to be woken at or before now more than 1000 times at ${this.now} ms (busy loop)`);
        this.stopped = true;
        return;
      }
    } else if (at !== this.now) {
      n.sameInstantWakeups = 0;
    }
    n.lastWakeAtMs = at;
    n.wakeAtMs = at;
    this.queue.push(at, { kind: 'timer', node: n.name, token: n.timerToken });
  }

  // ---- Clocks --------------------------------------------------------------------------------

  private localNow(n: SimNode): number {
    return localTime(n.clock, this.now);
  }

  /** The first global instant at which the node's clock reads at least `localMs`. */
  private globalFor(n: SimNode, localMs: number): number {
    const c = n.clock;
    if (c.offsetMs === 0 && c.driftPpm === 0) return Math.ceil(localMs);
    let t = Math.ceil((localMs - c.offsetMs) / (1 + c.driftPpm / 1e6));
    while (localTime(c, t) < localMs) t++;
    while (t > 0 && localTime(c, t - 1) >= localMs) t--;
    return t;
  }

  private node(name: string): SimNode {
    const n = this.nodes.get(name);
    if (n === undefined) throw new Error(`unknown node ${name}`);
    return n;
  }

  private markerOf(name: string): string {
    const n = this.node(name);
    const status = n.runState === 'down' ? 'down' : n.runState === 'paused' ? 'paused' : (n.view?.status ?? 'boot');
    const cached = this.markerCache.get(name);
    if (cached !== undefined && cached.version === this.agents.version && cached.status === status) return cached.text;
    const text = `${status} ${this.config.groups.map((_, g) => this.agents.marker(name, g)).join(' ')}`;
    this.markerCache.set(name, { version: this.agents.version, status, text });
    return text;
  }
}

export function localTime(c: NodeClock, globalMs: number): number {
  return c.offsetMs + globalMs + Math.floor((globalMs * c.driftPpm) / 1e6);
}
