// hbd's side of the guardian with the real sh sentinel (no root needed). What the sentinel execs
// once hbd is gone is replaced by a recorder script, so these tests see exactly what main.js would
// get: its argv and the state file as it was at end-of-file.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLog, type MemoryLog } from '../../test/memory-log';
import { GUARDIAN_SENTINEL, createGuardianLink, guardianPidFile, guardianStateFile, type GuardianLink } from './guardian-link';
import { decodeToGuardian, type GuardianSettings, type ToGuardian } from './protocol';

let dir: string;
let log: MemoryLog;
let link: GuardianLink | null;

const settings: GuardianSettings = {
  node: 'alpha',
  hbdPid: process.pid,
  logging: { debugLevel: 0 },
  stderr: false,
  underSystemd: false,
  groups: [{ id: 'Dummy::a', resources: [] }],
  stopTimeoutMs: 500,
  statusTimeoutMs: 300,
  stopRetriesMax: 1,
  stopRetryDelayMs: 100,
  deadtimeMs: 2000,
  agentEnv: {},
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \([^)]*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until<T>(what: string, probe: () => T | null | false, timeoutMs = 5000): Promise<T> {
  const startedAt = Date.now();
  while (Date.now() - startedAt < timeoutMs) {
    const value = probe();
    if (value !== null && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const stateOf = (): ToGuardian[] =>
  readFileSync(guardianStateFile(dir), 'utf8')
    .trim()
    .split('\n')
    .map((line) => decodeToGuardian(line)!);

/** A stand-in for dist/guardian/main.js: records its argv and the state file it was pointed at. */
function recorder(): { script: string; output: string } {
  const script = join(dir, 'record.js');
  const output = join(dir, 'recorded.json');
  writeFileSync(
    script,
    `const fs = require('node:fs');
const state = process.argv[process.argv.indexOf('--hbd-gone') + 1];
const fromFd = fs.readFileSync(Number(process.argv[process.argv.indexOf('--state-fd') + 1]), 'utf8');
fs.writeFileSync(${JSON.stringify(output)}, JSON.stringify({ pid: process.pid, argv: process.argv.slice(2), execArgv: process.execArgv, state: fs.readFileSync(state, 'utf8'), fromFd }));`,
  );
  return { script, output };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hbd-guardian-link-'));
  log = memoryLog();
  link = null;
});

afterEach(async () => {
  if (link?.pid != null && alive(link.pid)) process.kill(link.pid, 'SIGKILL');
  await link?.close(true);
  rmSync(dir, { recursive: true, force: true });
});

describe('guardian link with the sh sentinel', () => {
  test('the sentinel passes shellcheck', () => {
    const result = spawnSync('shellcheck', [GUARDIAN_SENTINEL], { encoding: 'utf8' });
    if (result.error !== undefined) {
      console.warn(`shellcheck not available (${result.error.message}): not checked`);
      return;
    }
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('ready with its pid; every change is in the state file when the call returns; a clean close removes it and the sentinel exits without Node.js', async () => {
    const { script, output } = recorder();
    link = createGuardianLink({ runDir: dir, log, inheritStderr: false, settings, script });
    expect(await link.start()).toBe(true);
    const pid = link.pid!;
    expect(readFileSync(guardianPidFile(dir), 'utf8')).toBe(`${pid}\n`);
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('hbd-guardian');
    expect(stateOf()).toEqual([{ t: 'init', settings: { ...settings, pidFile: guardianPidFile(dir) } }, { t: 'held', groups: [] }]);

    link.opStarted(4, 'Dummy::a', 'Dummy::a', 'start');
    expect(stateOf().slice(1)).toEqual([{ t: 'held', groups: [] }, { t: 'op', id: 4, group: 'Dummy::a', token: 'Dummy::a', action: 'start' }]);
    link.opPid(4, 999_999);
    link.held(['Dummy::a']);
    expect(stateOf().slice(1)).toEqual([{ t: 'held', groups: ['Dummy::a'] }, { t: 'op', id: 4, group: 'Dummy::a', token: 'Dummy::a', action: 'start' }, { t: 'opPid', id: 4, pid: 999_999 }]);
    link.opDone(4);
    expect(stateOf().slice(1)).toEqual([{ t: 'held', groups: ['Dummy::a'] }]);
    link.configure({ ...settings, deadtimeMs: 3000 });
    expect(stateOf()[0]).toMatchObject({ t: 'init', settings: { deadtimeMs: 3000 } });
    expect(existsSync(`${guardianStateFile(dir)}.tmp`)).toBe(false);

    await link.close(true);
    expect(existsSync(guardianStateFile(dir))).toBe(false);
    await until('the sentinel exited', () => !alive(pid));
    expect(existsSync(guardianPidFile(dir))).toBe(false);
    expect(existsSync(output)).toBe(false); // Node.js never started
  }, 20_000);

  test('hbd gone without the goodbye: the sentinel execs Node.js (same pid) on the state as it was', async () => {
    const { script, output } = recorder();
    link = createGuardianLink({ runDir: dir, log, inheritStderr: false, settings, script });
    expect(await link.start()).toBe(true);
    const pid = link.pid!;
    link.held(['Dummy::a']);
    link.opStarted(1, 'Dummy::a', 'Dummy::a', 'status');
    await link.close(false);
    const recorded = await until('the recorder ran', () => (existsSync(output) ? (JSON.parse(readFileSync(output, 'utf8')) as { pid: number; argv: string[]; execArgv: string[]; state: string; fromFd: string }) : null));
    expect(recorded.pid).toBe(pid);
    expect(recorded.execArgv).toEqual(['--max-old-space-size=32', '--max-semi-space-size=1', '--v8-pool-size=0']);
    expect(recorded.argv.slice(0, 8)).toEqual(['--hbd-gone', guardianStateFile(dir), '--state-fd', '3', '--hbd-pid', String(process.pid), '--pid-file', guardianPidFile(dir)]);
    expect(recorded.argv[8]).toBe('--gone-at');
    expect(Number(recorded.argv[9])).toBeGreaterThan(0);
    expect(recorded.fromFd).toBe(recorded.state); // the descriptor opened at end-of-file
    expect(recorded.state).toBe(readFileSync(guardianStateFile(dir), 'utf8'));
    expect(recorded.state).toContain('{"t":"held","groups":["Dummy::a"]}');
    expect(recorded.state).toContain('{"t":"op","id":1,"group":"Dummy::a","token":"Dummy::a","action":"status"}');
  }, 20_000);

  test('the sentinel ignores SIGTERM, SIGINT and SIGHUP; one that dies is reported and replaced', async () => {
    link = createGuardianLink({ runDir: dir, log, inheritStderr: false, settings, script: recorder().script });
    expect(await link.start()).toBe(true);
    const first = link.pid!;
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.kill(first, signal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alive(first)).toBe(true);
    process.kill(first, 'SIGKILL');
    const second = await until('a replacement', () => (link!.pid !== null && link!.pid !== first && alive(link!.pid) ? link!.pid : null));
    expect(readFileSync(guardianPidFile(dir), 'utf8')).toBe(`${second}\n`);
    expect(log.find(new RegExp(`crit: guardian \\(pid ${first}\\) exited \\(SIGKILL\\)`))).toBeDefined();
  }, 20_000);

  test('a state file that cannot be written is CRIT, once, until it can be again', async () => {
    link = createGuardianLink({ runDir: join(dir, 'missing'), log, inheritStderr: false, settings, script: recorder().script });
    link.held(['Dummy::a']);
    link.held(['Dummy::a', 'Dummy::b']);
    expect(log.lines.filter((line) => /^crit: cannot write .*hbd-guardian\.state \(ENOENT/.test(line))).toHaveLength(1);
  });
});
