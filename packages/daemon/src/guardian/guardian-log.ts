// The guardian's log: hbd's destinations (logfile, debugfile, stderr, syslog) and hbd's line
// format, without winston — the guardian must stay small and its few lines must be on disk
// before it exits, so files are appended synchronously (O_APPEND: hbd's own writer may still
// be open on the same file; each line is one write).

import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import type { LoggingConfig } from '@hbd/config';
import type { LogLevel } from '../event-messages';
import { SEVERITY, SYSLOG_FACILITIES, formatBody, syslogTimestamp } from '../log-format';
import type { GuardianLog } from './guardian';

export interface GuardianLogOptions {
  readonly node: string;
  readonly pid: number;
  readonly logging: LoggingConfig;
  readonly stderr: boolean;
  readonly underSystemd: boolean;
  /** Test seams. */
  readonly writeStderr?: (text: string) => void;
  readonly syslogCommand?: readonly string[];
}

export interface ClosableGuardianLog extends GuardianLog {
  /** Waits (bounded) until syslog has the lines. */
  close(): Promise<void>;
}

export function createGuardianLog(options: GuardianLogOptions): ClosableGuardianLog {
  const { logging } = options;
  const writeStderr = options.writeStderr ?? ((text: string) => process.stderr.write(text));
  let syslog: ChildProcess | null = null;
  let syslogBroken = false;
  const facility = logging.logfacility;
  const wantsSyslog = facility !== undefined && facility !== 'none' && !options.underSystemd && SYSLOG_FACILITIES.has(facility);

  const append = (file: string | undefined, line: string): void => {
    if (file === undefined) return;
    try {
      appendFileSync(file, line);
    } catch (error) {
      if (options.stderr) writeStderr(`hbd guardian: cannot write ${file}: ${(error as Error).message}\n`);
    }
  };

  const toSyslog = (level: LogLevel, text: string): void => {
    if (!wantsSyslog || syslogBroken) return;
    if (syslog === null) {
      const argv = options.syslogCommand ?? ['logger', '--prio-prefix', '-t', 'hbd', `--id=${options.pid}`, '-p', `${facility}.info`];
      syslog = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'ignore', 'ignore'] });
      syslog.on('error', () => {
        syslogBroken = true;
      });
      syslog.stdin?.on('error', () => undefined);
    }
    syslog.stdin?.write(`<${SEVERITY[level]}>${text}\n`);
  };

  const emit = (level: LogLevel, text: string): void => {
    const line = `${syslogTimestamp(new Date())} ${options.node} ${formatBody(options.pid, level, text)}\n`;
    if (level !== 'debug') append(logging.logfile, line);
    append(logging.debugfile, line);
    if (options.stderr) writeStderr(options.underSystemd ? `<${SEVERITY[level]}>${formatBody(options.pid, level, text)}\n` : line);
    if (level !== 'debug') toSyslog(level, text);
  };

  return {
    log: (level, text) => emit(level, text),
    debug(verbosity, text) {
      if (verbosity <= logging.debugLevel) emit('debug', text);
    },
    close() {
      const child = syslog;
      if (child === null || child.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, 2000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.stdin?.end();
      });
    },
  };
}
