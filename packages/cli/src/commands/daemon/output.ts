// What every daemon-talking hbctl command shares: where output goes, the --json envelope
// (hbctl's own, json-envelope.ts, plus the protocol error code and hint on failure), exit
// statuses (exit-codes.ts), and turning an IpcError into a message, a hint and an exit status.

import { EXIT_CODE_FOR_IPC_ERROR, IpcError } from '@hbd/ipc';
import { EXIT } from '../../exit-codes';
import type { CliIo } from '../../io';
import { envelope as cliEnvelope, type JsonEnvelope } from '../../json-envelope';

export { EXIT };

/** hbctl's streams and environment (the CLI's own CliIo). */
export type Io = CliIo;

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  get stdoutIsTTY() {
    return process.stdout.isTTY === true;
  },
  env: process.env,
};

/** hbctl's --json envelope; a failure also carries the protocol's error code and hint. */
export type Envelope = JsonEnvelope<unknown> & { readonly status: JsonEnvelope<unknown>['status'] & { readonly hbCode?: string; readonly hint?: string } };

export function envelope(request: string, code: number, message: string, data: unknown, extra: { hbCode?: string; hint?: string } = {}): Envelope {
  const base = cliEnvelope<unknown>(request, code, message, data);
  return { ...base, status: { ...base.status, ...extra } };
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
