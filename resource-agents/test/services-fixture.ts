// Configuration for the real nginx and MariaDB instances the tests run: everything under test
// directories (pid files and sockets in the node-local run directory), nothing from /etc.
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand, type LabNode } from '@hbd/testkit';

/** nginx.conf serving `root` on `listen` (e.g. "10.213.0.100:80"); state under `runDir/nginx`. */
export async function writeNginxConf(dir: string, options: { readonly listen: string; readonly root: string; readonly runDir: string }): Promise<string> {
  const state = join(options.runDir, 'nginx');
  const conf = join(dir, 'nginx.conf');
  await writeFile(
    conf,
    [
      `pid ${state}/nginx.pid;`,
      `error_log ${state}/error.log;`,
      'worker_processes 1;',
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${state}/body; proxy_temp_path ${state}/proxy; fastcgi_temp_path ${state}/fastcgi;`,
      `  uwsgi_temp_path ${state}/uwsgi; scgi_temp_path ${state}/scgi;`,
      '  default_type text/plain;',
      `  server { listen ${options.listen}; root ${options.root}; }`,
      '}',
      '',
    ].join('\n'),
  );
  return conf;
}

/** nginx wants its state directory to exist before it starts (a package's postinst would make it). */
export async function prepareNginxState(node: LabNode, runDir: string): Promise<void> {
  await node.exec(['mkdir', '-p', join(runDir, 'nginx')]);
}

/** my.cnf with the data directory `datadir` and socket/pid file in `runDir/mysqld`. */
export async function writeMyCnf(dir: string, options: { readonly datadir: string; readonly runDir: string }): Promise<{ cnf: string; socket: string }> {
  const socket = join(options.runDir, 'mysqld', 'mysqld.sock');
  const cnf = join(dir, 'my.cnf');
  await writeFile(
    cnf,
    [
      '[mysqld]',
      `datadir=${options.datadir}`,
      `socket=${socket}`,
      `pid-file=${join(options.runDir, 'mysqld', 'mysqld.pid')}`,
      'user=mysql',
      'skip-networking',
      `log-error=${join(options.datadir, 'error.log')}`,
      'innodb_buffer_pool_size=16M',
      'innodb_log_file_size=8M',
      '',
    ].join('\n'),
  );
  await chmod(cnf, 0o644);
  return { cnf, socket };
}

/** mariadb-install-db into the (empty, mysql-owned) data directory; run where the datadir is mounted. */
export async function installDb(node: LabNode | null, cnf: string, datadir: string): Promise<void> {
  const run = (argv: string[]) => (node ? node.exec(argv, { timeoutMs: 120_000 }) : runCommand(argv, { timeoutMs: 120_000 }));
  await run(['mkdir', '-p', datadir]);
  await run(['chown', 'mysql:mysql', datadir]);
  await run(['mariadb-install-db', `--defaults-file=${cnf}`, '--user=mysql', '--skip-test-db']);
}

/** SQL through the server's socket, as root over unix_socket authentication; returns the rows. */
export async function sql(node: LabNode, socket: string, statement: string): Promise<string> {
  const { stdout } = await node.exec(['mariadb', '--no-defaults', `--socket=${socket}`, '-u', 'root', '--batch', '--skip-column-names', '-e', statement]);
  return stdout.trim();
}

/** GET a URL from inside a node with Node's own http client (no curl needed); status and body. */
export async function httpGet(node: LabNode, url: string): Promise<{ status: number; body: string }> {
  const script = `require('http').get(${JSON.stringify(url)}, { timeout: 3000 }, (r) => { let d = ''; r.setEncoding('utf8'); r.on('data', (c) => (d += c)); r.on('end', () => process.stdout.write(JSON.stringify({ status: r.statusCode, body: d }))); }).on('error', (e) => { console.error(e.message); process.exit(1); }).on('timeout', function () { this.destroy(new Error('timeout')); });`;
  const { stdout } = await node.exec([process.execPath, '-e', script], { timeoutMs: 10_000 });
  return JSON.parse(stdout) as { status: number; body: string };
}

/** Directories the unprivileged nginx workers and mysqld must be able to traverse. */
export async function openUp(...dirs: string[]): Promise<void> {
  for (const dir of dirs) await chmod(dir, 0o755);
}

export async function mysqlOwned(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { stdout } = await runCommand(['id', '-u', 'mysql']);
  const { stdout: gid } = await runCommand(['id', '-g', 'mysql']);
  await chown(dir, Number(stdout.trim()), Number(gid.trim()));
}
