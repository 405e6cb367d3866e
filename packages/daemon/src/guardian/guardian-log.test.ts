import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGuardianLog } from './guardian-log';

describe('guardian log', () => {
  test("hbd's destinations and line format: logfile without debug lines, debugfile with them, stderr", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbd-guardian-log-'));
    try {
      const stderr: string[] = [];
      const log = createGuardianLog({
        node: 'alpha',
        pid: 77,
        logging: { logfile: join(dir, 'ha-log'), debugfile: join(dir, 'ha-debug'), debugLevel: 1 },
        stderr: true,
        underSystemd: false,
        writeStderr: (text) => stderr.push(text),
      });
      log.log('crit', 'guardian: hbd is gone');
      log.debug(1, 'guardian: shown at debug 1');
      log.debug(2, 'guardian: not shown at debug 1');
      await log.close();
      const logfile = readFileSync(join(dir, 'ha-log'), 'utf8');
      expect(logfile).toMatch(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\.\d{3} alpha hbd: \[77\]: CRIT: guardian: hbd is gone\n$/);
      const debugfile = readFileSync(join(dir, 'ha-debug'), 'utf8');
      expect(debugfile.split('\n').filter(Boolean).map((line) => line.replace(/^.* hbd: /, ''))).toEqual(['[77]: CRIT: guardian: hbd is gone', '[77]: debug: guardian: shown at debug 1']);
      expect(stderr).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('under systemd stderr lines carry the priority prefix; syslog gets one line per message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hbd-guardian-log-'));
    try {
      const stderr: string[] = [];
      const log = createGuardianLog({
        node: 'alpha',
        pid: 77,
        logging: { logfacility: 'local0', debugLevel: 0 },
        stderr: true,
        underSystemd: true,
        writeStderr: (text) => stderr.push(text),
      });
      log.log('warning', 'w');
      expect(stderr).toEqual(['<4>hbd: [77]: WARN: w\n']);
      const syslogFile = join(dir, 'syslog');
      const viaLogger = createGuardianLog({
        node: 'alpha',
        pid: 77,
        logging: { logfacility: 'local0', debugLevel: 0 },
        stderr: false,
        underSystemd: false,
        syslogCommand: ['sh', '-c', `cat >> '${syslogFile}'`],
      });
      viaLogger.log('crit', 'guardian: one');
      viaLogger.log('info', 'guardian: two');
      await viaLogger.close();
      expect(readFileSync(syslogFile, 'utf8')).toBe('<2>guardian: one\n<6>guardian: two\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
