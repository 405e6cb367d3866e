// hbctl's exit codes: a subset of Pacemaker's crm_exit_t / sysexits.h, published in
// docs/reference/exit-codes.md (a test checks the table and the page against each other).

export interface ExitCodeInfo {
  readonly code: number;
  readonly name: string;
  readonly meaning: string;
}

export const EXIT = {
  OK: 0,
  ERROR: 1,
  INVALID_PARAM: 2,
  INSUFFICIENT_PRIV: 4,
  USAGE: 64,
  NOINPUT: 66,
  UNAVAILABLE: 69,
  SOFTWARE: 70,
  TEMPFAIL: 75,
  PROTOCOL: 76,
  CONFIG: 78,
  TIMEOUT: 124,
} as const;

export type ExitName = keyof typeof EXIT;
export type ExitCode = (typeof EXIT)[ExitName];

const MEANINGS: Record<ExitName, string> = {
  OK: 'success; for `config check`: the configuration is valid (warnings allowed)',
  ERROR: 'the requested operation failed',
  INVALID_PARAM: 'a parameter is invalid in this context (e.g. an unknown group name)',
  INSUFFICIENT_PRIV: 'not allowed to use the daemon\'s control socket (needs root or the socket\'s group)',
  USAGE: 'bad command line: unknown command or option, missing or extra argument',
  NOINPUT: 'the configuration directory or one of ha.cf, haresources, authkeys is missing or unreadable',
  UNAVAILABLE: 'the daemon is not reachable on its control socket',
  SOFTWARE: 'internal error in hbctl (a bug: please report it)',
  TEMPFAIL: 'the daemon is busy with a transition; try again',
  PROTOCOL: 'hbctl and the daemon speak different protocol versions',
  CONFIG: 'the configuration has errors: hbd would refuse to start with it',
  TIMEOUT: 'the daemon did not answer in time',
};

export const EXIT_CODES: readonly ExitCodeInfo[] = (Object.keys(EXIT) as ExitName[]).map((name) => ({ code: EXIT[name], name, meaning: MEANINGS[name] }));

export function exitName(code: number): string {
  return EXIT_CODES.find((e) => e.code === code)?.name ?? 'ERROR';
}
