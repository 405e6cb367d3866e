// The lab's resource scripts, installed in every node's /etc/ha.d/resource.d (Heartbeat's calling
// convention: `NAME ARG… start|stop|status`, status prints "running"/"stopped"):
//   Dummy    hbd's bundled Dummy agent, with the lab's fault switches (fail/hang) read per call
//   labhttp  a tiny HTTP responder on 0.0.0.0:PORT answering "HOSTNAME\n", started detached
// plus keepalived's notify script, which runs the same service scripts on MASTER/BACKUP/FAULT.
// Pure text generation; the paths are injected.

import { AGENT_FAULTS_FILE } from './ha-files';
import { groupResources, type ResolvedScenario } from './scenario';

/** Per-node runtime directory of the agents (under the node's private /run, emptied by a reboot). */
export const RSC_TMP = '/run/resource-agents';

export function dummyWrapper(dummyAgentPath: string): string {
  return `#!/bin/sh
# Dummy for the lab: hbd's bundled agent (${dummyAgentPath}), with the lab's fault switches.
# ${AGENT_FAULTS_FILE} may set HBD_DUMMY_FAIL (start|stop|status[:NAME]) and HBD_DUMMY_DELAY_MS.
HBD_DUMMY_STATE_DIR=${RSC_TMP}
export HBD_DUMMY_STATE_DIR
if [ -f ${AGENT_FAULTS_FILE} ]; then
	. ${AGENT_FAULTS_FILE}
fi
exec '${dummyAgentPath}' "$@"
`;
}

/** `labhttp PORT start|stop|status`: an HTTP responder that says which node answered. */
export function labHttpAgent(nodeBinary: string): string {
  const server =
    "const h=require('os').hostname();let n=0;require('http').createServer((q,s)=>{n+=1;s.setHeader('content-type','text/plain');s.end(h+' '+n+'\\n')}).listen(+process.argv[1],'0.0.0.0')";
  return `#!/bin/sh
# labhttp PORT start|stop|status: the lab's tiny HTTP service (answers "HOSTNAME COUNT").
port=$1
action=$2
case $port in ''|*[!0-9]*) echo "usage: labhttp PORT start|stop|status" >&2; exit 2 ;; esac
pidfile=${RSC_TMP}/labhttp-$port.pid
running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
answers() { '${nodeBinary}' -e "require('http').get('http://127.0.0.1:'+process.argv[1]+'/',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))" "$port"; }
case $action in
start)
	if running; then echo "labhttp $port already running"; exit 0; fi
	mkdir -p ${RSC_TMP}
	setsid '${nodeBinary}' -e "${server}" "$port" </dev/null >/dev/null 2>&1 &
	echo $! >"$pidfile"
	i=0
	while [ $i -lt 100 ]; do
		if answers; then echo "labhttp $port serving"; exit 0; fi
		running || break
		sleep 0.05
		i=$((i + 1))
	done
	echo "labhttp $port did not come up"
	rm -f "$pidfile"
	exit 1
	;;
stop)
	if running; then
		pid=$(cat "$pidfile")
		kill "$pid"
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		kill -9 "$pid" 2>/dev/null
	fi
	rm -f "$pidfile"
	echo "labhttp $port stopped"
	exit 0
	;;
status)
	if running; then echo running; exit 0; fi
	echo stopped
	exit 3
	;;
*)
	echo "usage: labhttp PORT start|stop|status" >&2
	exit 2
	;;
esac
`;
}

/**
 * keepalived's notify script: keepalived moves only the address, so the service scripts of the
 * group (everything after the IPaddr) are started on MASTER and stopped (right to left) otherwise,
 * like a typical keepalived + service setup.
 */
export function keepalivedNotifyScript(s: ResolvedScenario): string {
  const services = groupResources(s).slice(1);
  const call = (token: string, action: string): string => {
    const [name, ...args] = token.split('::');
    return `/etc/ha.d/resource.d/${name} ${[...args, action].join(' ')}`;
  };
  const start = services.map((token) => `\t${call(token, 'start')}`).join('\n') || '\t:';
  const stop =
    [...services]
      .reverse()
      .map((token) => `\t${call(token, 'stop')}`)
      .join('\n') || '\t:';
  return `#!/bin/sh
# keepalived notify: $1 = GROUP|INSTANCE, $2 = name, $3 = new state, $4 = priority.
echo "$(date '+%F %T.%N') notify $*" >>/var/log/keepalived-notify.log
case $3 in
MASTER)
${start}
	;;
*)
${stop}
	;;
esac
exit 0
`;
}
