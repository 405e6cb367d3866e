// ocft-style cases: what each agent answers to arguments and environments a sysadmin gets wrong.
// None of them touches the system (they fail, or answer, before doing anything), so no root.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpOutcome, ResourceAction } from '@hbd/executor';
import { op, resourceSpec, STAND_IN_BIN } from './helpers';
import { AGENT_PATH } from '@hbd/executor';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hbd-cases-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Case {
  readonly title: string;
  readonly token: string;
  readonly action: ResourceAction;
  readonly env?: Record<string, string>;
  readonly exitCode: number;
  readonly outcome: OpOutcome;
  readonly says?: string;
}

const cases: Case[] = [
  { title: 'IPaddr2: not an address', token: 'IPaddr2::10.0.0.300/24/eth0', action: 'start', exitCode: 6, outcome: 'failed', says: 'is not an IPv4 address' },
  { title: 'IPaddr2: bad prefix', token: 'IPaddr2::10.0.0.3/33', action: 'start', exitCode: 6, outcome: 'failed', says: 'neither a prefix length' },
  { title: 'IPaddr: non-contiguous netmask', token: 'IPaddr::10.0.0.3/255.0.255.0/eth0', action: 'start', exitCode: 6, outcome: 'failed' },
  { title: 'IPaddr: label too long for the kernel', token: 'IPaddr::10.0.0.3/24/eth0:abcdefghijklmn', action: 'start', exitCode: 6, outcome: 'failed', says: 'longer than' },
  { title: 'IPaddr: bad ARP mode', token: 'IPaddr::10.0.0.3/24/eth0', action: 'validate' as ResourceAction, env: { HBD_IPADDR_ARP_MODE: 'loud' }, exitCode: 6, outcome: 'failed', says: 'HBD_IPADDR_ARP_MODE' },
  { title: 'IPaddr: stop of an invalid address cannot fail', token: 'IPaddr::bogus', action: 'stop', exitCode: 0, outcome: 'ok' },
  { title: 'IPaddr: status of an invalid address is unknown', token: 'IPaddr::bogus', action: 'status', exitCode: 4, outcome: 'failed' },
  { title: 'IPaddr: no argument', token: 'IPaddr', action: 'start', exitCode: 2, outcome: 'failed', says: 'usage' },
  { title: 'Filesystem: relative mount point', token: 'Filesystem::/dev/sdz9::data::ext4', action: 'start', exitCode: 6, outcome: 'failed', says: 'absolute path' },
  { title: 'Filesystem: missing device', token: 'Filesystem::/dev/hbd-no-such-disk::/mnt/hbd-none::ext4', action: 'start', exitCode: 5, outcome: 'failed', says: 'not found' },
  { title: 'Filesystem: a missing device is not mounted', token: 'Filesystem::/dev/hbd-no-such-disk::/mnt/hbd-none::ext4', action: 'status', exitCode: 3, outcome: 'notRunning' },
  { title: 'Filesystem: stop of a missing device succeeds', token: 'Filesystem::/dev/hbd-no-such-disk::/mnt/hbd-none::ext4', action: 'stop', exitCode: 0, outcome: 'ok' },
  { title: 'Filesystem: too few arguments', token: 'Filesystem::/dev/sdz9', action: 'start', exitCode: 2, outcome: 'failed' },
  { title: 'drbddisk: no drbdadm', token: 'drbddisk::r0', action: 'start', env: { HBD_DRBDADM: 'hbd-no-such-drbdadm' }, exitCode: 5, outcome: 'failed', says: 'not found' },
  { title: 'drbddisk: no drbdadm means unknown status', token: 'drbddisk::r0', action: 'status', env: { HBD_DRBDADM: 'hbd-no-such-drbdadm' }, exitCode: 4, outcome: 'failed' },
  { title: 'drbddisk: status needs a resource name', token: 'drbddisk', action: 'status', env: { HBD_FAKE_DRBD_DIR: '/nonexistent' }, exitCode: 4, outcome: 'failed', says: 'resource name is required' },
  { title: 'nginx: missing configuration, start', token: 'nginx::/nonexistent/nginx.conf', action: 'start', exitCode: 6, outcome: 'failed', says: 'not found' },
  { title: 'nginx: missing configuration, stop refuses to guess', token: 'nginx::/nonexistent/nginx.conf', action: 'stop', exitCode: 6, outcome: 'failed', says: 'cannot tell which nginx' },
  { title: 'nginx: missing configuration, status unknown', token: 'nginx::/nonexistent/nginx.conf', action: 'status', exitCode: 4, outcome: 'failed' },
  { title: 'mysqld: missing option file, start', token: 'mysqld::/nonexistent/my.cnf', action: 'start', exitCode: 6, outcome: 'failed', says: 'not found' },
  { title: 'mysqld: missing option file, stop refuses to guess', token: 'mysqld::/nonexistent/my.cnf', action: 'stop', exitCode: 6, outcome: 'failed', says: 'cannot tell which server' },
  { title: 'Dummy: bad delay', token: 'Dummy::x', action: 'start', env: { HBD_DUMMY_DELAY_MS: 'soon' }, exitCode: 6, outcome: 'failed' },
  { title: 'any agent: unknown operation', token: 'Dummy::x', action: 'reload' as ResourceAction, exitCode: 3, outcome: 'failed' },
];

describe('agents answer misconfiguration with the right LSB code and a readable reason', () => {
  test.each(cases)('$title', async ({ token, action, env, exitCode, outcome, says }) => {
    const result = await op(resourceSpec(token), action, { env: { HA_RSCTMP: dir, PATH: `${STAND_IN_BIN}:${AGENT_PATH}`, ...env } });
    expect({ exitCode: result.exitCode, outcome: result.outcome }).toEqual({ exitCode, outcome });
    if (says) expect(result.outputTail).toContain(says);
  });
});
