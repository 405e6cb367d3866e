// Runs one operation of one resource agent: the calling convention of its kind, a clean
// environment, its own process group (so a timeout kills everything it started), a bounded output
// tail, and a result that never throws — an agent that cannot even be started is a 'failed'
// outcome with a reason, because to the engine that is what it is.
import { spawn } from 'node:child_process';
import { agentEnvironment } from './agent-env';
import { agentArgv, judgeOutcome } from './calling-convention';
import { OutputTail } from './output-tail';
import { processGroupAlive } from './process-group';
import type { AgentOpLogEntry, OpOutcome, ResourceOpRequest, ResourceOpResult } from './types';

export const DEFAULT_KILL_GRACE_MS = 5_000;
/** How long to wait for a process to vanish after SIGKILL before reporting it stuck (D state). */
const AFTER_KILL_WAIT_MS = 2_000;
/** How long to wait for output still in the pipes after the agent exited. */
const DRAIN_AFTER_EXIT_MS = 200;
/** Status of heartbeat-kind scripts is judged on stdout; keep this much of it. */
const STDOUT_KEEP_BYTES = 64 * 1024;
const MAX_TIMER_MS = 2_147_483_647;

export function runResourceOp(request: ResourceOpRequest): Promise<ResourceOpResult> {
  const { resource, action } = request;
  const agent = resource.agent;
  const log = (entry: AgentOpLogEntry): void => {
    try {
      request.onLog?.(entry);
    } catch {
      // A broken log sink must not change what happened to the resource.
    }
  };
  const finished = (result: ResourceOpResult): ResourceOpResult => {
    log({ kind: 'agentOpFinished', token: resource.token, action, ...result });
    return result;
  };

  if (!agent) {
    return Promise.resolve(
      finished({
        outcome: 'failed',
        exitCode: null,
        exitSignal: null,
        durationMs: 0,
        outputTail: '',
        reason: `cannot locate resource script ${resource.name} (HB_RA_NOT_FOUND)`,
        argv: [],
        agentKind: null,
      }),
    );
  }
  const argv = agentArgv(agent, resource, action);
  const full = [...(request.runIn ?? []), ...argv];
  const base = { argv, agentKind: agent.kind } as const;
  if (request.signal?.aborted) {
    return Promise.resolve(finished({ ...base, outcome: 'failed', exitCode: null, exitSignal: null, durationMs: 0, outputTail: '', reason: 'aborted before it started' }));
  }

  const tail = new OutputTail(request.tail?.maxBytes ?? 4096, request.tail?.maxLines ?? 20);
  const killGraceMs = request.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const startedAt = performance.now();

  return new Promise<ResourceOpResult>((resolve) => {
    let stdout = '';
    let stopReason: 'timeout' | 'abort' | null = null;
    let settled = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    const timers: NodeJS.Timeout[] = [];

    const child = spawn(full[0] as string, full.slice(1), {
      detached: true, // own session and process group: kill(-pid) reaches all it started
      stdio: ['ignore', 'pipe', 'pipe'],
      env: agentEnvironment(request.env),
      cwd: '/',
    });
    log({ kind: 'agentOpStarted', token: resource.token, action, argv, pid: child.pid ?? null });

    const settle = (outcome: OpOutcome, exitCode: number | null, exitSignal: string | null, reason: string): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      request.signal?.removeEventListener('abort', onAbort);
      child.stdout.destroy();
      child.stderr.destroy();
      const durationMs = Math.round(performance.now() - startedAt);
      resolve(finished({ ...base, outcome, exitCode, exitSignal, durationMs, outputTail: tail.value(), reason }));
    };

    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // The group is already gone.
      }
    };

    const groupAlive = (): Promise<boolean> => (child.pid === undefined ? Promise.resolve(false) : processGroupAlive(child.pid));

    // Timeout or abort: SIGTERM to the whole group, SIGKILL after the grace; done when the agent
    // and everything it started are gone (or, for a process stuck in the kernel, shortly after KILL).
    const stop = (why: 'timeout' | 'abort'): void => {
      if (stopReason !== null || settled) return;
      if (exit !== null) {
        // The agent already finished in time; we were only collecting its last output. What it
        // left running (a daemon it started) is the resource, not a runaway.
        complete();
        return;
      }
      stopReason = why;
      killGroup('SIGTERM');
      timers.push(
        setTimeout(() => {
          killGroup('SIGKILL');
          timers.push(setTimeout(() => void groupAlive().then((alive) => finishStopped(alive)), AFTER_KILL_WAIT_MS));
        }, killGraceMs),
      );
      const poll = async (): Promise<void> => {
        if (settled) return;
        if (exit !== null && !(await groupAlive())) finishStopped(false);
        else if (!settled) timers.push(setTimeout(() => void poll(), 50));
      };
      timers.push(setTimeout(() => void poll(), 50));
    };
    const finishStopped = (survivors: boolean): void => {
      if (stopReason === null) return;
      const outcome: OpOutcome = stopReason === 'timeout' ? 'timedOut' : 'failed';
      const ended = exit === null ? 'the agent did not exit even after SIGKILL (stuck in the kernel?)' : `ended with ${exit.code !== null ? `exit ${exit.code}` : exit.signal}`;
      const stragglers = survivors && exit !== null ? '; some of its processes survived SIGKILL' : '';
      settle(outcome, exit?.code ?? null, exit?.signal ?? null, `${describeStop(stopReason)}; ${ended}${stragglers}`);
    };
    const describeStop = (why: 'timeout' | 'abort'): string =>
      why === 'timeout' ? `timed out after ${request.timeoutMs} ms (process group killed: SIGTERM, SIGKILL after ${killGraceMs} ms)` : 'aborted (process group killed)';
    const onAbort = (): void => stop('abort');

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      tail.push(chunk);
      stdout += chunk;
      if (stdout.length > STDOUT_KEEP_BYTES) stdout = stdout.slice(stdout.length - STDOUT_KEEP_BYTES);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => tail.push(chunk));
    child.stdout.on('error', () => undefined);
    child.stderr.on('error', () => undefined);

    child.on('error', (err: NodeJS.ErrnoException) => {
      settle('failed', null, null, `cannot run ${full[0]}: ${err.code ?? err.message}`);
    });

    const complete = (): void => {
      if (exit === null || stopReason !== null) return; // a stopped agent is finished by stop()
      const judged = judgeOutcome({ kind: agent.kind, action, exitCode: exit.code, exitSignal: exit.signal, stdout });
      settle(judged.outcome, exit.code, exit.signal, judged.reason);
    };
    // 'exit' is the agent's end; 'close' (all pipes shut) may never come when the agent left a
    // daemon holding its stdout, so only wait a moment for the rest of the output.
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      timers.push(setTimeout(complete, DRAIN_AFTER_EXIT_MS));
    });
    child.on('close', () => complete());

    // setTimeout fires at once for delays above 2^31-1 ms: clamp "practically forever" to ~24 days.
    timers.push(setTimeout(() => stop('timeout'), Math.min(Math.max(request.timeoutMs, 1), MAX_TIMER_MS)));
    request.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
