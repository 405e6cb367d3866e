// A Log that keeps its lines, for assertions.
import type { LoggingConfig } from '@hbd/config';
import type { DaemonLog } from '../src/logger';

export interface MemoryLog extends DaemonLog {
  readonly lines: string[];
  find(pattern: RegExp): string | undefined;
}

export function memoryLog(debugLevel = 0): MemoryLog {
  const lines: string[] = [];
  return {
    lines,
    debugLevel,
    log(level, text) {
      lines.push(`${level}: ${text}`);
    },
    debug(verbosity, text) {
      if (verbosity <= debugLevel) lines.push(`debug: ${text}`);
    },
    reconfigure(_logging: LoggingConfig) {
      lines.push('reconfigured');
    },
    close: () => Promise.resolve(),
    find: (pattern) => lines.find((line) => pattern.test(line)),
  };
}
