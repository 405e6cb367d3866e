// `hbctl status` in words: the node, the cluster timers, every node with its links, the ping
// targets and quorum, each group with its owner and members, the last failover with its
// timeline, and the counters that explain trouble (dropped packets, stalls).

import type { FailoverRecord, StatusDocument } from '@hbd/ipc';
import { ago, seconds, table } from './format';

function failoverText(record: FailoverRecord): string {
  const verb = record.direction === 'takeover' ? `taken over${record.from === null ? '' : ` from ${record.from}`}` : `released${record.to === null ? '' : ` to ${record.to}`}`;
  const outcome = record.outcome === 'inProgress' ? 'still in progress' : `${record.outcome === 'done' ? 'done' : 'FAILED'}${record.tookMs === null ? '' : ` in ${seconds(record.tookMs)}`}`;
  const lines = [`last failover: ${record.group} ${verb} ${seconds(record.startedAgoMs)} ago (${record.startedAt}), ${outcome}: ${record.reason}`];
  for (const entry of record.timeline) lines.push(`  +${(entry.offsetMs / 1000).toFixed(3)} s  ${entry.text}`);
  return `${lines.join('\n')}\n`;
}

export function renderStatus(doc: StatusDocument): string {
  const out: string[] = [];
  const state = doc.daemon.shuttingDown ? `${doc.localStatus} (shutting down)` : doc.localStatus;
  out.push(`hbd on ${doc.localNode}: ${state} (pid ${doc.daemon.pid}, up ${seconds(doc.daemon.uptimeMs)}, generation ${doc.generation}, hbd ${doc.daemon.version})\n`);
  const c = doc.cluster;
  out.push(
    `cluster ${c.name}: keepalive ${seconds(c.keepaliveMs)}, warntime ${seconds(c.warntimeMs)}, deadtime ${seconds(c.deadtimeMs)}, ` +
      `initdead ${seconds(c.initdeadMs)}, auto_failback ${c.autoFailback}\n\n`,
  );

  const pingTotal = doc.quorum.total;
  out.push(
    table(
      ['NODE', 'STATUS', 'LAST HEARD', 'GENERATION', ...(pingTotal > 0 ? ['PING'] : []), 'LINKS'],
      doc.nodes.map((node) => [
        node.name,
        node.status,
        node.local ? '(this node)' : ago(node.lastHeardAgoMs),
        node.generation === null ? '-' : String(node.generation),
        ...(pingTotal > 0 ? [node.pingReachable === null ? '-' : `${node.pingReachable}/${pingTotal}`] : []),
        node.local ? '' : node.links.length === 0 ? 'none heard' : node.links.map((link) => `${link.link}: ${link.status}`).join(', '),
      ]),
    ),
  );
  out.push('\n');

  if (doc.pingTargets.length > 0) {
    out.push(table(['PING TARGET', 'STATUS', 'LAST REPLY'], doc.pingTargets.map((target) => [target.name, target.status, ago(target.lastHeardAgoMs)])));
    out.push(`ping quorum: ${doc.quorum.reachable}/${doc.quorum.total} reachable${doc.quorum.hasQuorum ? '' : ' -- NO QUORUM: this node will not take over groups'}\n\n`);
  } else {
    out.push('ping targets: none configured (a node that loses the network cannot tell; consider "ping <gateway>" in ha.cf)\n\n');
  }

  if (doc.groups.length === 0) out.push('groups: none in haresources\n');
  else {
    out.push(
      table(
        ['GROUP', 'PREFERRED', 'OWNER', 'HERE', 'MEMBERS'],
        doc.groups.map((group) => [
          group.id,
          group.preferredNode,
          group.owner ?? '(nobody)',
          group.localState,
          group.members.map((member) => `${member.token} ${member.state}`).join(', '),
        ]),
      ),
    );
    for (const group of doc.groups) {
      if (group.blockedBy !== null) {
        const why = group.blockedBy.why === 'unclean' ? 'its stop failed there (unclean)' : 'it is dead and not fenced yet';
        out.push(`  ${group.id}: BLOCKED by ${group.blockedBy.node}: ${why}; once it is really stopped there: hbctl cleanup ${group.id}\n`);
      }
      if (group.refusal !== null) out.push(`  ${group.id}: not started here: ${group.refusal}\n`);
    }
  }
  out.push('\n');
  out.push(doc.lastFailover === null ? 'last failover: none since hbd started\n' : failoverText(doc.lastFailover));

  const dropped = doc.packets.dropped;
  const reasons = Object.entries(dropped.byReason)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  out.push(
    `packets: ${doc.packets.received} received, ${doc.packets.sent} sent, ${doc.packets.sendErrors} send errors, ` +
      `${dropped.total} dropped${dropped.total > 0 ? ` (${reasons})` : ''}\n`,
  );
  const loop = doc.eventLoop;
  const p99 = loop.delayP99Ms === null ? '' : `; event-loop delay p99 ${loop.delayP99Ms} ms`;
  out.push(
    loop.stalls === 0
      ? `stalls: none${p99}\n`
      : `stalls: ${loop.stalls} (longest ${seconds(loop.longestStallMs)}, last ${ago(loop.lastStallAgoMs)})${p99}\n`,
  );
  return out.join('');
}
