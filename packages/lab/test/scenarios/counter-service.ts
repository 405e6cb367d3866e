// The scenario suite's service: a counter on the shared file system. Every HTTP request to `/`
// reads the counter file on the mounted shared disk, adds one, writes it back and fsyncs before it
// answers "HOSTNAME VALUE". A client that sees the values go down (or repeat) has seen a lost write
// or two copies of the data: exactly what a failover must never cause.
//
//   labcounter PORT DIR start|stop|status      (Heartbeat's resource.d convention)
//
// start refuses to run unless DIR is a mount point (the service must never write into the empty
// directory under the mount), and the server re-checks that on every request (503 otherwise).
// Files here are text for the node's /etc/ha.d; the server lives outside resource.d so that the
// lab does not mistake the running service for resource work in progress.

import type { NodeFile } from '../../src';

/** Where the server script lives in every node (not under resource.d: see above). */
export const COUNTER_SERVER_PATH = '/etc/ha.d/labcounter-server.js';
export const COUNTER_AGENT_PATH = '/etc/ha.d/resource.d/labcounter';
/** The service's own log in the node (start-up refusals, crashes). */
export const COUNTER_LOG_PATH = '/var/log/labcounter.log';

/** The HTTP counter server, run as `node SERVER PORT DIR READYFILE`. */
export function counterServerScript(): string {
  return `'use strict';
// labcounter server: GET / -> increment DIR/counter, fsync, answer "HOSTNAME VALUE". GET /health -> "ok".
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const [portText, dir, readyFile] = process.argv.slice(2);
const host = os.hostname();
const file = path.join(dir, 'counter');
const mounted = () => fs.statSync(dir).dev !== fs.statSync(path.dirname(dir)).dev;
function bump() {
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
  try {
    const buf = Buffer.alloc(64);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8').trim();
    const value = text === '' ? 0 : Number(text);
    if (!Number.isSafeInteger(value) || value < 0) throw new Error('counter file holds ' + JSON.stringify(text));
    const next = value + 1;
    // Fixed length: one block rewritten in place, then fsync before anyone hears of the value.
    const out = Buffer.from(String(next).padEnd(20) + '\\n');
    fs.writeSync(fd, out, 0, out.length, 0);
    fs.fsyncSync(fd);
    return next;
  } finally {
    fs.closeSync(fd);
  }
}
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'text/plain');
  res.setHeader('connection', 'close');
  if (req.url === '/health') {
    res.end('ok\\n');
    return;
  }
  try {
    if (!mounted()) {
      res.statusCode = 503;
      res.end('not mounted\\n');
      return;
    }
    res.end(host + ' ' + bump() + '\\n');
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err && err.message) + '\\n');
  }
});
server.listen(Number(portText), '0.0.0.0', () => fs.writeFileSync(readyFile, String(process.pid) + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;
}

/** The resource.d script. `nodeBinary` is the Node.js that runs the server. */
export function counterAgentScript(nodeBinary: string): string {
  return `#!/bin/sh
# labcounter PORT DIR start|stop|status: the scenario suite's counter service on a mounted file system.
port=$1
dir=$2
action=$3
case $port in ''|*[!0-9]*) echo "usage: labcounter PORT DIR start|stop|status" >&2; exit 2 ;; esac
case $dir in /*) ;; *) echo "usage: labcounter PORT DIR start|stop|status" >&2; exit 2 ;; esac
rsc=\${HA_RSCTMP:-/run/resource-agents}
pidfile=$rsc/labcounter-$port.pid
ready=$rsc/labcounter-$port.ready
# A zombie (exited, not yet reaped by init) is not running.
alive() { st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; st=\${st##*) }; [ "\${st%% *}" != Z ]; }
running() { [ -f "$pidfile" ] && alive "$(cat "$pidfile")"; }
case $action in
start)
	if running; then echo "labcounter $port already running"; exit 0; fi
	if ! mountpoint -q "$dir"; then echo "labcounter: $dir is not a mount point: refusing to start" >&2; exit 1; fi
	mkdir -p "$rsc"
	rm -f "$ready"
	setsid '${nodeBinary}' ${COUNTER_SERVER_PATH} "$port" "$dir" "$ready" </dev/null >>${COUNTER_LOG_PATH} 2>&1 &
	echo $! >"$pidfile"
	i=0
	while [ $i -lt 200 ]; do
		if [ -s "$ready" ]; then echo "labcounter $port serving"; exit 0; fi
		running || break
		sleep 0.05
		i=$((i + 1))
	done
	echo "labcounter $port did not come up" >&2
	running && kill -9 "$(cat "$pidfile")"
	rm -f "$pidfile" "$ready"
	exit 1
	;;
stop)
	if running; then
		pid=$(cat "$pidfile")
		kill "$pid"
		i=0
		while alive "$pid" && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done
		kill -9 "$pid" 2>/dev/null
	fi
	rm -f "$pidfile" "$ready"
	echo "labcounter $port stopped"
	exit 0
	;;
status)
	if running; then echo running; exit 0; fi
	echo stopped
	exit 3
	;;
*)
	echo "usage: labcounter PORT DIR start|stop|status" >&2
	exit 2
	;;
esac
`;
}

export function counterServiceFiles(nodeBinary: string): NodeFile[] {
  return [
    { path: COUNTER_SERVER_PATH, content: counterServerScript(), mode: 0o644 },
    { path: COUNTER_AGENT_PATH, content: counterAgentScript(nodeBinary), mode: 0o755 },
  ];
}
