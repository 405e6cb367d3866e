// Logging, mapped from Heartbeat's settings onto winston with syslog levels:
//
//   logfile F       -> F gets everything except debug lines
//   debugfile F     -> F gets everything, debug lines included (those at or below `debug N`)
//   logfacility X   -> syslog, facility X (see below); `logfacility none` or absent: no syslog
//   --foreground    -> the same lines on stderr too (journald prefixes them with <N> priorities)
//
// Syslog without a native module: Node's dgram has no AF_UNIX datagram sockets, so /dev/log is
// out of reach and winston-syslog would need the native `unix-dgram`. Instead:
//   - under systemd (INVOCATION_ID set) the stderr lines carry sd-daemon `<N>` prefixes, journald
//     records the severity and forwards to syslog with the unit's SyslogFacility=; nothing else;
//   - otherwise one long-lived `logger --prio-prefix -t hbd -p FACILITY.info` child reads our
//     lines on stdin and writes them to /dev/log (util-linux), restarted at most once a minute.
//
// Line format, as Heartbeat's (reference §6.6) plus milliseconds:
//   Nov 20 23:40:58.123 master1 hbd: [187]: WARN: node master2 is dead: …
// Secrets never reach this module: callers pass messages, never configuration objects.

import { spawn, type ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';
import winston from 'winston';
import type { LoggingConfig } from '@hbd/config';
import type { LogLevel } from './event-messages';
import { SEVERITY, SYSLOG_FACILITIES, formatBody, syslogTimestamp } from './log-format';

export { formatBody, syslogTimestamp } from './log-format';

export interface Log {
  log(level: Exclude<LogLevel, 'debug'>, text: string, meta?: Readonly<Record<string, unknown>>): void;
  /** A debug line, emitted only when `debug N` (or --debug) is at least `verbosity`. */
  debug(verbosity: number, text: string, meta?: Readonly<Record<string, unknown>>): void;
  readonly debugLevel: number;
}

export interface DaemonLog extends Log {
  /** Re-applies logfile/debugfile/logfacility/debug after a reload. */
  reconfigure(logging: LoggingConfig): void;
  /** SIGUSR1/SIGUSR2: debug level one up or down (as Heartbeat); returns the new level. */
  adjustDebug(delta: number): number;
  close(): Promise<void>;
}

export interface LoggerOptions {
  readonly node: string;
  readonly pid: number;
  readonly logging: LoggingConfig;
  /** Also log to stderr (hbd --foreground). */
  readonly stderr: boolean;
  /** `--debug N` on the command line overrides ha.cf's `debug N` when higher. */
  readonly debugOverride?: number;
  /** Under systemd: stderr lines get `<N>` priority prefixes for journald. */
  readonly underSystemd?: boolean;
  /** Test seam: where "stderr" lines go. */
  readonly stderrWrite?: (line: string) => void;
  /** Test seam: the syslog command (default `logger`). */
  readonly syslogCommand?: readonly string[];
}

/**
 * A stream that feeds a long-lived `logger --prio-prefix` child, for winston's Stream transport.
 * A dead child is restarted at most once a minute; lines written while it is down are lost (and
 * counted).
 */
class SyslogCommandStream extends Writable {
  private child: ChildProcess | null = null;
  private lastSpawnAtMs = 0;
  lostLines = 0;

  constructor(
    private readonly argv: readonly string[],
    private readonly onTrouble: (text: string) => void,
  ) {
    super();
    this.spawnChild();
  }

  private spawnChild(): void {
    this.lastSpawnAtMs = Date.now();
    const [command, ...args] = this.argv;
    if (command === undefined) return;
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', (error) => {
      this.onTrouble(`syslog: cannot run ${command}: ${error.message}; syslog lines are lost until it works`);
      if (this.child === child) this.child = null;
    });
    child.on('exit', () => {
      if (this.child === child) this.child = null;
    });
    child.stdin?.on('error', () => undefined); // EPIPE when logger died: handled by 'exit'
    this.child = child;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.child === null && Date.now() - this.lastSpawnAtMs > 60_000) this.spawnChild();
    if (this.child?.stdin?.writable === true) this.child.stdin.write(chunk);
    else this.lostLines++;
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.child?.stdin?.end();
    this.child = null;
    callback();
  }
}

export function createDaemonLog(options: LoggerOptions): DaemonLog {
  const stderrWrite = options.stderrWrite ?? ((line: string) => process.stderr.write(line));
  const underSystemd = options.underSystemd ?? process.env.INVOCATION_ID !== undefined;
  let logging = options.logging;
  let debugLevel = Math.max(logging.debugLevel, options.debugOverride ?? 0);
  let syslogStream: SyslogCommandStream | null = null;
  const troubles: string[] = [];

  const lineFormat = winston.format.printf((info) => {
    const level = info.level as LogLevel;
    return `${syslogTimestamp(new Date())} ${options.node} ${formatBody(options.pid, level, String(info.message))}`;
  });
  // journald adds its own timestamp and host; the <N> prefix carries the severity.
  const journalFormat = winston.format.printf((info) => `<${SEVERITY[info.level as LogLevel]}>${formatBody(options.pid, info.level as LogLevel, String(info.message))}`);
  const syslogFormat = winston.format.printf((info) => `<${SEVERITY[info.level as LogLevel]}>${String(info.message)}`);

  const logger = winston.createLogger({ levels: winston.config.syslog.levels, level: 'debug', exitOnError: false });

  function buildTransports(): void {
    for (const transport of [...logger.transports]) {
      logger.remove(transport);
      transport.close?.();
    }
    syslogStream?.end();
    syslogStream = null;
    if (logging.logfile !== undefined) {
      logger.add(new winston.transports.File({ filename: logging.logfile, level: 'info', format: lineFormat }));
    }
    if (logging.debugfile !== undefined) {
      logger.add(new winston.transports.File({ filename: logging.debugfile, level: 'debug', format: lineFormat }));
    }
    if (options.stderr) {
      const stream = new Writable({
        write(chunk: Buffer | string, _encoding, callback) {
          stderrWrite(chunk.toString());
          callback();
        },
      });
      logger.add(
        new winston.transports.Stream({
          stream,
          level: debugLevel > 0 ? 'debug' : 'info',
          format: underSystemd ? journalFormat : lineFormat,
        }),
      );
    }
    const facility = logging.logfacility;
    if (facility !== undefined && facility !== 'none' && !underSystemd) {
      if (!SYSLOG_FACILITIES.has(facility)) {
        troubles.push(`logfacility ${facility} is not a syslog facility; syslog disabled`);
      } else {
        const argv = options.syslogCommand ?? ['logger', '--prio-prefix', '-t', 'hbd', `--id=${options.pid}`, '-p', `${facility}.info`];
        syslogStream = new SyslogCommandStream(argv, (text) => troubles.push(text));
        logger.add(new winston.transports.Stream({ stream: syslogStream, level: 'info', format: syslogFormat }));
      }
    }
  }

  buildTransports();

  function flushTroubles(): void {
    while (troubles.length > 0) logger.log('warning', troubles.shift()!);
  }

  const log: DaemonLog = {
    get debugLevel() {
      return debugLevel;
    },
    log(level, text, meta) {
      flushTroubles();
      logger.log(level, text, meta === undefined ? undefined : { meta });
    },
    debug(verbosity, text, meta) {
      if (verbosity > debugLevel) return;
      flushTroubles();
      logger.log('debug', text, meta === undefined ? undefined : { meta });
    },
    adjustDebug(delta) {
      const before = debugLevel;
      debugLevel = Math.max(0, Math.min(255, debugLevel + delta));
      if ((before === 0) !== (debugLevel === 0)) buildTransports(); // stderr level follows
      return debugLevel;
    },
    reconfigure(next) {
      logging = next;
      debugLevel = Math.max(next.debugLevel, options.debugOverride ?? 0);
      buildTransports();
    },
    close() {
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, 2000);
        logger.on('finish', () => {
          clearTimeout(timer);
          syslogStream?.end();
          resolve();
        });
        logger.end();
      });
    },
  };
  return log;
}

/**
 * Counts repeated occurrences of the same kind of trouble (bad packets, send errors) and lets one
 * line through per key and interval, carrying how many were suppressed meanwhile.
 */
export class RateLimiter {
  private readonly last = new Map<string, { atMs: number; suppressed: number }>();

  constructor(private readonly intervalMs: number) {}

  /** Returns null to stay quiet, or how many were suppressed since the last line for this key. */
  allow(key: string, nowMs: number): number | null {
    const entry = this.last.get(key);
    if (entry === undefined || nowMs - entry.atMs >= this.intervalMs) {
      const suppressed = entry?.suppressed ?? 0;
      this.last.set(key, { atMs: nowMs, suppressed: 0 });
      return suppressed;
    }
    entry.suppressed++;
    return null;
  }
}
