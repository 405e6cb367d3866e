// Before joining the cluster, make sure this node runs none of the groups: after a crash of hbd
// (kill -9, OOM, a panic) its resources keep running (a VIP stays configured, nginx keeps
// serving), while the peer takes them over after deadtime. The engine starts with every group
// stopped, so a leftover would run twice. Heartbeat's init script only warned ("Resource X is
// active, and should not be!"); hbd stops the leftovers, right to left, before it says a word on
// the network. A leftover that will not stop keeps hbd from starting: the operator must look.

import type { ClusterConfig, ResourceGroup } from '@hbd/config';
import type { Log } from './logger';
import type { ResourceRunner, RunResourceOpEffect } from './ports';

export interface StrayReport {
  /** Groups found (partly) running and stopped. */
  readonly stopped: readonly string[];
  /** Resources that would not stop: hbd must not start. */
  readonly stuck: readonly { readonly group: string; readonly resource: string; readonly detail: string }[];
}

let nextOpId = -1; // negative: never confused with the engine's op ids

function op(group: ResourceGroup, index: number, action: 'status' | 'stop', config: ClusterConfig): RunResourceOpEffect {
  const resource = group.resources[index]!;
  return {
    kind: 'runResourceOp',
    opId: nextOpId--,
    group: group.id,
    resourceIndex: index,
    resource,
    action,
    timeoutMs: action === 'status' ? config.agentTimeouts.statusMs : config.agentTimeouts.stopMs,
  };
}

export async function stopStrayResources(config: ClusterConfig, runner: ResourceRunner, log: Log): Promise<StrayReport> {
  const stopped: string[] = [];
  const stuck: { group: string; resource: string; detail: string }[] = [];
  for (const group of config.groups) {
    const running: string[] = [];
    for (let index = 0; index < group.resources.length; index++) {
      const result = await runner.run(op(group, index, 'status', config));
      // 'failed' status (neither running nor cleanly stopped) counts as possibly running: stop is idempotent.
      if (result.outcome !== 'notRunning') running.push(`${group.resources[index]!.token} (${result.outcome})`);
    }
    if (running.length === 0) continue;
    log.log('crit', `${running.join(', ')} of group ${group.id} found running although hbd just started (left over from a crash?): stopping the group right to left before joining the cluster`);
    for (let index = group.resources.length - 1; index >= 0; index--) {
      const resource = group.resources[index]!;
      let result = await runner.run(op(group, index, 'stop', config));
      for (let attempt = 1; result.outcome !== 'ok' && attempt <= config.stopRetriesMax; attempt++) {
        result = await runner.run(op(group, index, 'stop', config));
      }
      if (result.outcome !== 'ok') {
        stuck.push({ group: group.id, resource: resource.token, detail: `${result.outcome}, exit ${String(result.exitCode)}: ${result.outputTail.trim().split('\n').pop() ?? ''}` });
        break; // never stop what is left of it further: the left part may depend on the stuck one
      }
    }
    if (!stuck.some((entry) => entry.group === group.id)) stopped.push(group.id);
  }
  return { stopped, stuck };
}
