// How Heartbeat calls each kind of agent, and how it reads the answer
// (heartbeat-3-behaviour.md §2.3, §2.4). Pure functions: the executor spawns, these decide.
import type { AgentKind, ResourceSpec } from '@hbd/config';
import type { OpOutcome, ResourceAction } from './types';

/** argv for one operation: resource.d and bundled agents get `args… action`, LSB scripts only `action`. */
export function agentArgv(agent: { readonly path: string; readonly kind: AgentKind }, resource: ResourceSpec, action: ResourceAction): string[] {
  switch (agent.kind) {
    case 'heartbeat':
    case 'hbd':
      // Heartbeat word-splits the arguments with the shell; the parser already split on `::`,
      // a blank inside one argument still makes two words, as it did for Heartbeat.
      return [agent.path, ...resource.args.flatMap((arg) => arg.split(/\s+/).filter((w) => w !== '')), action];
    case 'lsb':
      return [agent.path, action];
    default:
      return assertNever(agent.kind);
  }
}

/**
 * Heartbeat's status rule for resource.d scripts (ResourceManager `we_own_resource`): the exit code
 * is ignored; stdout matching `*[Nn][Oo][Tt]\ *[Rr]unning*` means stopped, then `*[Rr]unning*` or
 * `*OK*` means running, anything else (including nothing) means stopped.
 */
export function heartbeatStatusFromOutput(stdout: string): { running: boolean; reason: string } {
  // Only stdout counts, as in `case \`$script $args status\` in`; stderr went to the debug log.
  // `\ *` in the shell pattern is a blank followed by "anything", not "any number of blanks".
  if (/[Nn][Oo][Tt] [\s\S]*[Rr]unning/.test(stdout)) return { running: false, reason: 'stdout says "not running"' };
  if (/[Rr]unning/.test(stdout)) return { running: true, reason: 'stdout says "running"' };
  if (stdout.includes('OK')) return { running: true, reason: 'stdout says "OK"' };
  return { running: false, reason: stdout.trim() === '' ? 'no output (Heartbeat reads that as stopped)' : 'stdout says neither "running" nor "OK"' };
}

export interface FinishedAgent {
  readonly kind: AgentKind;
  readonly action: ResourceAction;
  readonly exitCode: number | null;
  readonly exitSignal: string | null;
  /** Full (bounded) stdout: only read for the status of heartbeat-kind scripts. */
  readonly stdout: string;
}

/** Outcome of an agent that ran to its end (timeouts and spawn failures are decided by the caller). */
export function judgeOutcome(run: FinishedAgent): { outcome: OpOutcome; reason: string } {
  const how = run.exitCode !== null ? `exit ${run.exitCode}` : `killed by ${run.exitSignal ?? 'a signal'}`;
  if (run.action === 'status') {
    if (run.kind === 'heartbeat') {
      const judged = heartbeatStatusFromOutput(run.stdout);
      return { outcome: judged.running ? 'ok' : 'notRunning', reason: `${judged.reason} (${how}, ignored as Heartbeat does)` };
    }
    // LSB status codes: 0 running, 3 not running; 1 (dead, pid file left), 2, 4 (unknown) and
    // anything else mean the resource is in a state nobody should trust.
    if (run.exitCode === 0) return { outcome: 'ok', reason: `${how}: running` };
    if (run.exitCode === 3) return { outcome: 'notRunning', reason: `${how}: not running` };
    return { outcome: 'failed', reason: `${how}: ${lsbStatusMeaning(run.exitCode)}` };
  }
  if (run.exitCode === 0) return { outcome: 'ok', reason: how };
  return { outcome: 'failed', reason: run.exitCode === null ? how : `${how}: ${lsbActionMeaning(run.exitCode)}` };
}

function lsbStatusMeaning(code: number | null): string {
  switch (code) {
    case 1:
      return 'program is dead and its pid file exists';
    case 2:
      return 'program is dead and its lock file exists';
    case 4:
      return 'status unknown';
    case null:
      return 'status unknown';
    default:
      return 'not an LSB status code';
  }
}

function lsbActionMeaning(code: number): string {
  switch (code) {
    case 1:
      return 'generic error';
    case 2:
      return 'invalid arguments';
    case 3:
      return 'unimplemented feature';
    case 4:
      return 'insufficient privilege';
    case 5:
      return 'program not installed';
    case 6:
      return 'program not configured';
    case 7:
      return 'program is not running';
    case 126:
      return 'agent not executable';
    case 127:
      return 'agent or a command it needs not found';
    default:
      return 'error';
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected agent kind: ${String(value)}`);
}
