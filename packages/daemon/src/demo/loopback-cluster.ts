// A cluster of real `hbd` processes on one machine, without root: node i is 127.0.0.(i+2) on
// `lo` (hbd --bind-address), each with its own /etc/ha.d-style directory (ha.cf, haresources,
// authkeys 0600, resource.d/), state dir, run dir and log file. Resources are the bundled Dummy
// agent (a state file per node) and `demohttp`, a tiny HTTP service on a shared "service
// address" 127.0.0.10:PORT that only one node can hold at a time (the port is exclusive), which
// answers "served by NODE". Used by the process tests and by the loopback demo (loopback-demo.ts).
//
// Everything lives under one temp dir; `cleanup` kills what it started (by pid) and removes it.

import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** src/demo and dist/demo are both four levels below the repository root. */
export const REPO_ROOT = resolve(__dirname, '../../../..');
export const HBD_BIN = join(REPO_ROOT, 'packages/daemon/bin/hbd.js');
export const DUMMY_AGENT = join(REPO_ROOT, 'resource-agents/Dummy');
export const SERVICE_ADDRESS = '127.0.0.10';

export interface LoopbackClusterOptions {
  readonly names: readonly string[];
  readonly udpPort: number;
  /** haresources lines, e.g. ["alpha demohttp::18080 Dummy::app"]. */
  readonly haresources: readonly string[];
  readonly keepalive?: string;
  readonly warntime?: string;
  readonly deadtime?: string;
  readonly initdead?: string;
  readonly autoFailback?: 'on' | 'off' | 'legacy';
  /** More ha.cf lines (debug, ping, …). */
  readonly haCfExtra?: readonly string[];
  /** Parent of the cluster's temp dir (default os.tmpdir()). */
  readonly baseDir?: string;
}

export interface LoopbackNode {
  readonly name: string;
  readonly address: string;
  readonly dir: string;
  readonly configDir: string;
  readonly stateDir: string;
  readonly runDir: string;
  readonly resourceDir: string;
  readonly logFile: string;
  readonly socketPath: string;
  process: ChildProcess | null;
  /** Starts `hbd --foreground` for this node; its stdout/stderr go to `<dir>/hbd.out`. */
  start(extraArgs?: readonly string[]): ChildProcess;
  /** Sends a signal and, for TERM/INT/KILL, waits (bounded) for the exit; resolves with the exit code or signal. */
  signal(signal: NodeJS.Signals, waitMs?: number): Promise<number | string | null>;
  /** The daemon's log file so far. */
  log(): string;
  /** Does this node's Dummy resource NAME exist (i.e. run here)? */
  dummyRunning(name: string): boolean;
}

export interface LoopbackCluster {
  readonly root: string;
  readonly nodes: readonly LoopbackNode[];
  node(name: string): LoopbackNode;
  /** Rewrites one node's ha.cf (for reload tests); its logfile line is appended. */
  writeHaCf(name: string, text: string): void;
  haCfText(): string;
  cleanup(): Promise<void>;
}

/** `demohttp PORT start|stop|status`: a one-line HTTP server on SERVICE_ADDRESS:PORT, pid file per node. */
function demoHttpAgent(node: string, resourceDir: string): string {
  const server = `require('http').createServer((q,s)=>{s.setHeader('content-type','text/plain');s.end('served by ${node}\\n')}).listen(+process.argv[1],'${SERVICE_ADDRESS}')`;
  return `#!/bin/sh
# demohttp PORT start|stop|status: the loopback demo's service, on ${SERVICE_ADDRESS}:PORT (node ${node}).
port=$1; action=$2
pidfile='${resourceDir}'/demohttp-"$port".pid
# alive PID: exists and is not a zombie waiting for a reaper (containers reap late).
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }
running() { [ -f "$pidfile" ] && alive "$(cat "$pidfile")"; }
answers() { '${process.execPath}' -e "require('http').get('http://${SERVICE_ADDRESS}:'+process.argv[1]+'/',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))" "$port"; }
case "$action" in
  start)
    running && { echo "demohttp $port already running"; exit 0; }
    mkdir -p '${resourceDir}'
    nohup '${process.execPath}' -e "${server.replace(/"/g, '\\"')}" "$port" >/dev/null 2>&1 &
    echo $! > "$pidfile"
    i=0; while [ $i -lt 50 ]; do answers && { echo "demohttp $port serving"; exit 0; }; running || break; sleep 0.1; i=$((i+1)); done
    echo "demohttp $port did not come up (is ${SERVICE_ADDRESS}:$port taken by the other node?)"; rm -f "$pidfile"; exit 1 ;;
  stop)
    if running; then pid=$(cat "$pidfile"); kill "$pid"; i=0; while alive "$pid" && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; kill -9 "$pid" 2>/dev/null; fi
    rm -f "$pidfile"; echo "demohttp $port stopped"; exit 0 ;;
  status)
    if running; then echo running; exit 0; else echo stopped; exit 3; fi ;;
  *) echo "usage: demohttp PORT start|stop|status" >&2; exit 2 ;;
esac
`;
}

/** Our own test run may be under systemd; the daemons under test are not. */
function withoutSystemd(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { INVOCATION_ID: _invocation, JOURNAL_STREAM: _journal, ...rest } = env;
  return rest;
}

export function haCf(options: LoopbackClusterOptions): string {
  const lines = [
    '# hbd loopback cluster: every node on lo, 127.0.0.2, 127.0.0.3, …',
    `keepalive ${options.keepalive ?? '200ms'}`,
    `warntime ${options.warntime ?? '1'}`,
    `deadtime ${options.deadtime ?? '2'}`,
    `initdead ${options.initdead ?? '4'}`,
    `udpport ${options.udpPort}`,
    ...options.names.map((_, index) => `ucast lo 127.0.0.${index + 2}`),
    `auto_failback ${options.autoFailback ?? 'on'}`,
    ...options.names.map((name) => `node ${name}`),
    ...(options.haCfExtra ?? []),
  ];
  return `${lines.join('\n')}\n`;
}

export function createLoopbackCluster(options: LoopbackClusterOptions): LoopbackCluster {
  const root = mkdtempSync(join(options.baseDir ?? tmpdir(), 'hbd-loopback-'));
  const haCfText = haCf(options);
  const nodes: LoopbackNode[] = options.names.map((name, index) => {
    const dir = join(root, name);
    const configDir = join(dir, 'ha.d');
    const resourceDir = join(dir, 'resources');
    const runDir = join(dir, 'run');
    mkdirSync(join(configDir, 'resource.d'), { recursive: true });
    mkdirSync(resourceDir, { recursive: true });
    writeFileSync(join(configDir, 'ha.cf'), haCfText);
    writeFileSync(join(configDir, 'haresources'), `${options.haresources.join('\n')}\n`);
    writeFileSync(join(configDir, 'authkeys'), 'auth 1\n1 sha1 loopback-demo-secret\n', { mode: 0o600 });
    chmodSync(join(configDir, 'authkeys'), 0o600);
    const dummy = join(configDir, 'resource.d', 'Dummy');
    writeFileSync(dummy, `#!/bin/sh\nHBD_DUMMY_STATE_DIR='${resourceDir}' exec '${DUMMY_AGENT}' "$@"\n`);
    chmodSync(dummy, 0o755);
    const demohttp = join(configDir, 'resource.d', 'demohttp');
    writeFileSync(demohttp, demoHttpAgent(name, resourceDir));
    chmodSync(demohttp, 0o755);
    const logFile = join(dir, 'hbd.log');
    writeFileSync(join(configDir, 'ha.cf'), `${haCfText}logfile ${logFile}\n`);
    const node: LoopbackNode = {
      name,
      address: `127.0.0.${index + 2}`,
      dir,
      configDir,
      stateDir: join(dir, 'state'),
      runDir,
      resourceDir,
      logFile,
      socketPath: join(runDir, 'hbd.sock'),
      process: null,
      start(extraArgs = []) {
        const out = join(dir, 'hbd.out');
        const child = spawn(
          process.execPath,
          [HBD_BIN, '--foreground', '--config-dir', configDir, '--node', name, '--state-dir', node.stateDir, '--run-dir', runDir, '--bind-address', node.address, ...extraArgs],
          { stdio: ['ignore', 'pipe', 'pipe'], env: withoutSystemd(process.env) },
        );
        const sink = (chunk: Buffer): void => writeFileSync(out, chunk, { flag: 'a' });
        child.stdout?.on('data', sink);
        child.stderr?.on('data', sink);
        node.process = child;
        return child;
      },
      async signal(signal, waitMs = 20_000) {
        const child = node.process;
        if (child === null || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? child?.signalCode ?? null;
        const exited = new Promise<number | string | null>((done) => child.once('exit', (code, sig) => done(code ?? sig)));
        child.kill(signal);
        if (signal === 'SIGSTOP' || signal === 'SIGCONT' || signal === 'SIGHUP' || signal === 'SIGUSR1' || signal === 'SIGUSR2') return null;
        const timer = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), waitMs).unref());
        return Promise.race([exited, timer]);
      },
      log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
      dummyRunning: (resource) => existsSync(join(resourceDir, `Dummy-${resource}.state`)),
    };
    return node;
  });
  return {
    root,
    nodes,
    node: (name) => {
      const found = nodes.find((node) => node.name === name);
      if (found === undefined) throw new Error(`no node ${name}`);
      return found;
    },
    writeHaCf(name, text) {
      const node = nodes.find((candidate) => candidate.name === name)!;
      writeFileSync(join(node.configDir, 'ha.cf'), `${text}logfile ${node.logFile}\n`);
    },
    haCfText: () => haCfText,
    async cleanup() {
      for (const node of nodes) {
        const child = node.process;
        if (child !== null && child.exitCode === null && child.signalCode === null) {
          child.kill('SIGCONT');
          const code = await node.signal('SIGTERM', 15_000);
          if (code === 'timeout') await node.signal('SIGKILL', 5000);
        }
      }
      // Leftover demo services (a node killed with -9 leaves them, like a real crash would).
      for (const node of nodes) {
        for (const file of existsSync(node.resourceDir) ? readdirSync(node.resourceDir) : []) {
          if (!file.endsWith('.pid')) continue;
          const pid = Number(readFileSync(join(node.resourceDir, file), 'utf8'));
          if (Number.isSafeInteger(pid) && pid > 0) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        }
      }
      if (process.env.HBD_TEST_KEEP === '1') process.stderr.write(`kept ${root} (HBD_TEST_KEEP=1)\n`);
      else rmSync(root, { recursive: true, force: true });
    },
  };
}

/** GET http://SERVICE_ADDRESS:port/ → the body ("served by NODE\n"), or null when nothing answers. */
export function probeService(port: number, timeoutMs = 1000): Promise<string | null> {
  return new Promise((done) => {
    // agent: false: a fresh connection each time (a kept-alive one may lead to the old holder).
    const request = http.get({ host: SERVICE_ADDRESS, port, path: '/', timeout: timeoutMs, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => done(body));
    });
    request.on('timeout', () => {
      request.destroy();
      done(null);
    });
    request.on('error', () => done(null));
  });
}
