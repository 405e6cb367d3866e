// A Dummy-style agent for daemon tests and the loopback demo: `dummy NAME start|stop|status`,
// a state file per resource in the directory baked into the script (one script per node, so two
// nodes on one host keep separate "machines"). status: 0 running, 3 stopped (LSB). An optional
// fail-file makes `start` of that resource fail, for failure scenarios; a NAME starting with
// "slow" takes 2.5 s to start.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeDummyAgent(dir: string, stateDir: string): string {
  mkdirSync(dir, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  const path = join(dir, 'dummy');
  writeFileSync(
    path,
    `#!/bin/sh
# Dummy-style test agent (hbd daemon tests): dummy NAME start|stop|status
name=$1; action=$2; state='${stateDir}'/"$name"
case "$action" in
  start) [ -e '${stateDir}'/"$name".fail ] && { echo "start of $name fails (fail file)"; exit 1; }
         case $name in slow*) sleep 2.5 ;; esac
         touch "$state"; echo "started $name"; exit 0 ;;
  stop)  rm -f "$state"; echo "stopped $name"; exit 0 ;;
  status) if [ -e "$state" ]; then echo running; exit 0; else echo stopped; exit 3; fi ;;
  *) echo "usage: dummy NAME start|stop|status" >&2; exit 2 ;;
esac
`,
  );
  chmodSync(path, 0o755);
  return path;
}
