// The generation counter, persisted like Heartbeat's hb_generation: one decimal number in
// <state dir>/generation. Written to a temporary file, fsync'd, renamed over the old one, and the
// directory fsync'd, so after a crash the file holds either the old or the new value, never
// garbage, and a value the engine sent with is never lost.

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { GenerationStore } from './ports';

export class GenerationFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GenerationFileError';
  }
}

export function generationFilePath(stateDir: string): string {
  return join(stateDir, 'generation');
}

export function createGenerationStore(stateDir: string): GenerationStore {
  const file = generationFilePath(stateDir);
  return {
    load() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw new GenerationFileError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
      }
      const value = Number(text.trim());
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new GenerationFileError(`${file} does not hold a generation number (found ${JSON.stringify(text.slice(0, 40))}); remove it only if no peer has seen this node since`);
      }
      return value;
    },
    persist(generation) {
      mkdirSync(stateDir, { recursive: true, mode: 0o755 });
      const temporary = `${file}.tmp`;
      const fd = openSync(temporary, 'w', 0o644);
      try {
        writeSync(fd, `${generation}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, file);
      const dirFd = openSync(stateDir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    },
  };
}
