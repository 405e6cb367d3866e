// A Log that keeps its lines, for assertions.
import type { LoggingConfig } from '@hbd/config';
import type { DaemonLog } from '../src/logger';

export interface MemoryLog extends DaemonLog {
  readonly lines: string[];
  find(pattern: RegExp): string | undefined;
}

export function memoryLog(initialDebugLevel = 0): MemoryLog {
  const lines: string[] = [];
  let debugLevel = initialDebugLevel;
  const echo = process.env.HBD_TEST_ECHO === '1';
  const keep = (line: string): void => {
    lines.push(line);
    if (echo) process.stderr.write(`${line}\n`);
  };
  return {
    lines,
    get debugLevel() {
      return debugLevel;
    },
    log(level, text) {
      keep(`${level}: ${text}`);
    },
    debug(verbosity, text) {
      if (verbosity <= debugLevel) keep(`debug: ${text}`);
    },
    adjustDebug(delta) {
      debugLevel = Math.max(0, debugLevel + delta);
      return debugLevel;
    },
    reconfigure(_logging: LoggingConfig) {
      keep('reconfigured');
    },
    close: () => Promise.resolve(),
    find: (pattern) => lines.find((line) => pattern.test(line)),
  };
}
