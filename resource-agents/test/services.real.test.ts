// nginx and mysqld for real (Debian's nginx and MariaDB binaries), inside a namespace node: the
// contract, start waiting until the service answers, stop until it is gone, and the failures a
// sysadmin meets (bad configuration, uninitialised data directory, a server killed under us).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { realTestGate } from '@hbd/testkit';
import { createClusterLab, LAN_PREFIX, type ClusterLab } from './lab-fixture';
import { op, resourceSpec, runContract } from './helpers';
import { httpGet, installDb, mysqlOwned, openUp, prepareNginxState, sql, writeMyCnf, writeNginxConf } from './services-fixture';

const gate = realTestGate('nginx and mysqld agents with real servers in namespaces');

(gate.enabled ? describe : describe.skip)('nginx and mysqld', () => {
  let c: ClusterLab;
  let conf = '';
  let cnf = '';
  let socket = '';
  let datadir = '';
  beforeAll(async () => {
    c = await createClusterLab({ clients: 1 });
    const www = await c.lab.tempDir('www');
    await writeFile(join(www, 'index.html'), 'hello from alpha\n');
    const etc = await c.lab.tempDir('etc');
    const data = await c.lab.tempDir('data');
    await openUp(www, etc, data);
    conf = await writeNginxConf(etc, { listen: `${LAN_PREFIX}.1:8080`, root: www, runDir: c.runDir });
    await prepareNginxState(c.alpha, c.runDir);
    datadir = join(data, 'db');
    ({ cnf, socket } = await writeMyCnf(etc, { datadir, runDir: c.runDir }));
    await mysqlOwned(datadir);
  }, 60_000);
  afterAll(async () => {
    if (c) expect(await c.lab.cleanup()).toEqual([]);
  }, 60_000);

  const on = (extra: Record<string, string> = {}) => ({ runIn: c.alpha.prefix, env: c.envFor(c.alpha, extra) });

  test('nginx passes the contract, and serves while started', async () => {
    const nginx = resourceSpec(`nginx::${conf}`);
    expect(await runContract(nginx, on())).toEqual([]);
    expect((await op(nginx, 'start', on())).outcome).toBe('ok');
    try {
      // start returned: the page is served at once, no waiting in the test.
      expect(await httpGet(c.clients[0]!, `http://${LAN_PREFIX}.1:8080/`)).toEqual({ status: 200, body: 'hello from alpha\n' });
    } finally {
      expect((await op(nginx, 'stop', on())).outcome).toBe('ok');
    }
    await expect(httpGet(c.clients[0]!, `http://${LAN_PREFIX}.1:8080/`)).rejects.toThrow();
  }, 60_000);

  test('nginx with a broken configuration is a configuration error, nothing left running', async () => {
    const broken = join(await c.lab.tempDir('broken'), 'nginx.conf');
    await writeFile(broken, 'events {}\nhttp { server { listen 8081; bogus_directive on; } }\n');
    const result = await op(resourceSpec(`nginx::${broken}`), 'start', on({ HBD_NGINX_PIDFILE: `${c.runDir}/broken.pid` }));
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 6 });
    expect(result.outputTail).toContain('unknown directive "bogus_directive"');
    expect((await op(resourceSpec(`nginx::${broken}`), 'status', on({ HBD_NGINX_PIDFILE: `${c.runDir}/broken.pid` }))).outcome).toBe('notRunning');
  }, 30_000);

  test('mysqld refuses an uninitialised data directory', async () => {
    const result = await op(resourceSpec(`mysqld::${cnf}`), 'start', on());
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 6 });
    expect(result.outputTail).toContain('has no system tables');
  }, 30_000);

  test('mysqld passes the contract, answers as soon as start returns, and stop waits until it is gone', async () => {
    await installDb(null, cnf, datadir);
    const mysqld = resourceSpec(`mysqld::${cnf}`);
    expect(await runContract(mysqld, on())).toEqual([]);
    expect((await op(mysqld, 'start', on())).outcome).toBe('ok');
    expect(await sql(c.alpha, socket, 'SELECT 40 + 2')).toBe('42');
    const pid = Number((await c.alpha.exec(['cat', `${c.runDir}/mysqld/mysqld.pid`])).stdout);
    expect((await op(mysqld, 'stop', on())).outcome).toBe('ok');
    expect(await c.alpha.pids()).not.toContain(pid);
  }, 120_000);

  test('a server killed under us: status says dead (pid file left), stop cleans up, start works again', async () => {
    const mysqld = resourceSpec(`mysqld::${cnf}`);
    expect((await op(mysqld, 'start', on())).outcome).toBe('ok');
    const pid = Number((await c.alpha.exec(['cat', `${c.runDir}/mysqld/mysqld.pid`])).stdout);
    // mysqld_safe would restart it; kill the supervisor first, as an OOM killer might take both.
    const safePid = Number((await c.alpha.exec(['sh', '-c', `cat ${c.runDir}/rsc/mysqld_safe-*.pid`])).stdout);
    process.kill(safePid, 'SIGKILL');
    process.kill(pid, 'SIGKILL');
    const dead = await op(mysqld, 'status', on());
    expect(dead).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(dead.outputTail).toContain('dead but its pid file');
    expect((await op(mysqld, 'stop', on())).outcome).toBe('ok');
    expect((await op(mysqld, 'status', on())).outcome).toBe('notRunning');
    expect((await op(mysqld, 'start', on())).outcome).toBe('ok'); // InnoDB crash recovery
    expect(await sql(c.alpha, socket, 'SELECT 1')).toBe('1');
    expect((await op(mysqld, 'stop', on())).outcome).toBe('ok');
  }, 120_000);
});
