// Shared by the agent tests: where the agents are, how a haresources token becomes a
// ResourceSpec (what config-loader's resolver does in the product), and the ocf-tester sequence.
import { join, resolve } from 'node:path';
import type { AgentKind, ResourceSpec } from '@hbd/config';
import { runResourceOp, type OpOutcome, type ResourceAction, type ResourceOpRequest, type ResourceOpResult } from '@hbd/executor';

export const AGENTS_DIR = resolve(__dirname, '..');
/** The drbdadm stand-in (and anything else tests put first on PATH). */
export const STAND_IN_BIN = join(AGENTS_DIR, 'test', 'bin');
export const BUNDLED_AGENTS = ['IPaddr', 'IPaddr2', 'drbddisk', 'Filesystem', 'mysqld', 'nginx', 'Dummy'] as const;

/**
 * A token as haresources writes it (`IPaddr::10.0.0.5/24/eth0:0`, `drbddisk::r0`, `nginx`), resolved
 * to one of our bundled agents (kind 'hbd'), a Heartbeat resource.d script (kind 'heartbeat',
 * dir /etc/ha.d/resource.d) or an init script (kind 'lsb').
 */
export function resourceSpec(token: string, agent: { readonly kind?: AgentKind; readonly dir?: string } = {}): ResourceSpec {
  // Heartbeat's canonname: anything that looks like a dotted IPv4 address means IPaddr::.
  const canonical = /^[0-9][^.]*\.[0-9][^.]*\.[0-9][^.]*\.[0-9]/.test(token) ? `IPaddr::${token}` : token;
  const [name = '', ...args] = canonical.split('::');
  const kind = agent.kind ?? 'hbd';
  const dir = agent.dir ?? (kind === 'hbd' ? AGENTS_DIR : kind === 'heartbeat' ? '/etc/ha.d/resource.d' : '/etc/init.d');
  return { token, name, args: args.filter((a) => a !== ''), location: { file: 'haresources', line: 1, column: 1 }, agent: { path: join(dir, name), kind } };
}

export type OpOptions = Omit<ResourceOpRequest, 'resource' | 'action' | 'timeoutMs'> & { readonly timeoutMs?: number };

export function op(resource: ResourceSpec, action: ResourceAction, options: OpOptions = {}): Promise<ResourceOpResult> {
  return runResourceOp({ timeoutMs: 60_000, ...options, resource, action });
}

/** The ocf-tester sequence, with the outcome each step must have. */
export const CONTRACT: readonly (readonly [ResourceAction, OpOutcome])[] = [
  ['status', 'notRunning'],
  ['start', 'ok'],
  ['start', 'ok'], // idempotent
  ['status', 'ok'],
  ['stop', 'ok'],
  ['stop', 'ok'], // idempotent
  ['status', 'notRunning'],
];

/** Runs the contract; returns one readable line per step that did not do what it must. */
export async function runContract(resource: ResourceSpec, options: OpOptions = {}): Promise<string[]> {
  const failures: string[] = [];
  for (const [index, [action, expected]] of CONTRACT.entries()) {
    const result = await op(resource, action, options);
    if (result.outcome !== expected) {
      failures.push(`step ${index + 1} ${action}: expected ${expected}, got ${result.outcome} (${result.reason})\n${result.outputTail}`);
    }
  }
  return failures;
}
