import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenerationFileError, createGenerationStore, generationFilePath } from './generation-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hbd-gen-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('generation store', () => {
  test('0 when never persisted; persists and reads back; creates the state dir', () => {
    const stateDir = join(dir, 'var', 'lib', 'hbd');
    const store = createGenerationStore(stateDir);
    expect(store.load()).toBe(0);
    store.persist(1);
    store.persist(2);
    expect(store.load()).toBe(2);
    expect(readFileSync(generationFilePath(stateDir), 'utf8')).toBe('2\n');
    expect(createGenerationStore(stateDir).load()).toBe(2);
  });

  test('garbage in the file is an error that says what to do, not a silent 0', () => {
    writeFileSync(generationFilePath(dir), 'hello');
    expect(() => createGenerationStore(dir).load()).toThrow(GenerationFileError);
    expect(() => createGenerationStore(dir).load()).toThrow(/does not hold a generation number/);
  });
});
