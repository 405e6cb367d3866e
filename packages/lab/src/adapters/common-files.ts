// Files every node gets whatever the manager: the lab's resource scripts (Dummy with fault
// switches, labhttp) and an empty fault-switch file. The Heartbeat-format configuration is shared
// by the hbd and heartbeat adapters.

import { AGENT_FAULTS_FILE, HA_DIR, authkeys, haCf, haresources } from '../ha-files';
import { DUMMY_AGENT } from '../paths';
import type { ResolvedScenario } from '../scenario';
import { dummyWrapper, labHttpAgent } from '../service-scripts';
import type { NodeFile } from './adapter';

export function serviceFiles(): NodeFile[] {
  return [
    { path: `${HA_DIR}/resource.d/Dummy`, content: dummyWrapper(DUMMY_AGENT), mode: 0o755 },
    { path: `${HA_DIR}/resource.d/labhttp`, content: labHttpAgent(process.execPath), mode: 0o755 },
    { path: AGENT_FAULTS_FILE, content: '# no agent faults\n', mode: 0o644 },
  ];
}

export function heartbeatFormatFiles(s: ResolvedScenario): NodeFile[] {
  return [
    { path: `${HA_DIR}/ha.cf`, content: haCf(s), mode: 0o644 },
    { path: `${HA_DIR}/haresources`, content: haresources(s), mode: 0o644 },
    { path: `${HA_DIR}/authkeys`, content: authkeys(s), mode: 0o600 },
  ];
}

/** Lines of a log that match, from the text (bounded: logs are read whole, they are small). */
export function countMatches(text: string, pattern: RegExp, accept: (match: RegExpExecArray) => boolean): number {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  let count = 0;
  for (let match = global.exec(text); match !== null; match = global.exec(text)) {
    if (accept(match)) count += 1;
  }
  return count;
}
