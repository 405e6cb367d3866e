// What every daemon-talking hbctl command shares: where output goes, the --json envelope
// (style guide §3.11, Pacemaker's pacemaker-result in JSON), exit statuses, and turning an
// IpcError into a message, a hint and an exit status.

import { EXIT_CODE_FOR_IPC_ERROR, IpcError } from '@hbd/ipc';

export const JSON_API_VERSION = '1.0';

/** hbctl's exit statuses used by these commands (docs/reference/exit-codes.md). */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  INVALID_PARAM: 2,
  INSUFFICIENT_PRIV: 4,
  USAGE: 64,
  UNAVAILABLE: 69,
  SOFTWARE: 70,
  TEMPFAIL: 75,
  PROTOCOL: 76,
  TIMEOUT: 124,
} as const;

const EXIT_NAMES: Readonly<Record<number, string>> = {
  0: 'OK',
  1: 'ERROR',
  2: 'INVALID_PARAM',
  4: 'INSUFFICIENT_PRIV',
  64: 'USAGE',
  69: 'UNAVAILABLE',
  70: 'SOFTWARE',
  75: 'TEMPFAIL',
  76: 'PROTOCOL',
  124: 'TIMEOUT',
};

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly stdoutIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  get stdoutIsTTY() {
    return process.stdout.isTTY === true;
  },
  env: process.env,
};

export interface Envelope {
  readonly apiVersion: string;
  readonly request: string;
  readonly status: { readonly code: number; readonly name: string; readonly message: string; readonly hbCode?: string; readonly hint?: string };
  readonly data: unknown;
  readonly diagnostics: readonly unknown[];
}

export function envelope(request: string, code: number, message: string, data: unknown, extra: { hbCode?: string; hint?: string } = {}): Envelope {
  return { apiVersion: JSON_API_VERSION, request, status: { code, name: EXIT_NAMES[code] ?? 'ERROR', message, ...extra }, data, diagnostics: [] };
}

export function printJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints a failure (text or JSON) and returns its exit status. */
export function reportError(io: Io, request: string, error: unknown, json: boolean, program = 'hbctl'): number {
  const ipc = error instanceof IpcError ? error : new IpcError('HB_IPC_INTERNAL', `unexpected error: ${(error as Error)?.message ?? String(error)}`);
  const code = EXIT_CODE_FOR_IPC_ERROR[ipc.code];
  if (json) {
    printJson(io, envelope(request, code, ipc.message, null, { hbCode: ipc.code, ...(ipc.hint === undefined ? {} : { hint: ipc.hint }) }));
  } else {
    io.stderr(`${program}: ${ipc.message}\n`);
    if (ipc.hint !== undefined) io.stderr(`  hint: ${ipc.hint}\n`);
  }
  return code;
}
