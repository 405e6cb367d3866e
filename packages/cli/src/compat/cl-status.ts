// cl_status, the subset scripts use (Heartbeat reference §6.3), answered by hbd:
//   cl_status hbstatus [-v]            Heartbeat is running on this machine.   (0 / 1 stopped)
//   cl_status listnodes [-p|-n]        one name per line (ping targets, then nodes)
//   cl_status nodestatus NODE          active|up|init|dead|leaving (ping targets: ping|dead); 1 if dead
//   cl_status nodetype NODE            normal|ping
//   cl_status listhblinks NODE [-v]    <TAB>link per line
//   cl_status hblinkstatus NODE LINK   up|dead (LINK: hbd's link name, or just its interface)
//   cl_status rscstatus [-m]           none|local|foreign|all|transition
// Exit codes as Heartbeat's: 0 OK, 1 failure (dead, stopped), 11 bad sub-command or parameters.
// `-m` (human-readable) may come before the sub-command. The words stay Heartbeat's ("Heartbeat
// is running…") because scripts compare them.

import type { StatusDocument } from '@hbd/ipc';
import { IpcError } from '@hbd/ipc';
import { connectDaemon, daemonSocketPath } from '../daemon-client';
import type { Io } from '../commands/daemon/output';

const OK = 0;
const FAIL = 1;
const BAD_ARGS = 11;

const USAGE = `usage: cl_status [-m] <sub-command> [<options>] [<parameters>]
sub-commands: hbstatus [-v], listnodes [-p|-n], nodestatus <node>, nodetype <node>,
              listhblinks <node> [-v], hblinkstatus <node> <link>, rscstatus [-m]
`;

function badArgs(io: Io, text: string): number {
  io.stderr(`${text}\n${USAGE}`);
  return BAD_ARGS;
}

function linkIface(link: string): string {
  return link.split(' ')[1] ?? link;
}

function rscstatus(doc: StatusDocument): 'none' | 'local' | 'foreign' | 'all' | 'transition' {
  if (doc.groups.some((group) => group.localState === 'starting' || group.localState === 'stopping')) return 'transition';
  const held = doc.groups.filter((group) => group.localState === 'started');
  const local = held.some((group) => group.preferredNode === doc.localNode);
  const foreign = held.some((group) => group.preferredNode !== doc.localNode);
  if (local && foreign) return 'all';
  if (local) return doc.groups.every((group) => group.preferredNode === doc.localNode) ? 'all' : 'local';
  if (foreign) return 'foreign';
  return 'none';
}

const RSC_TEXT = {
  none: 'This node is holding no resources.',
  local: 'This node is holding local resources.',
  foreign: 'This node is holding foreign resources.',
  all: 'This node is holding all resources.',
  transition: 'This node is in resource transition.',
} as const;

export async function runClStatus(argv: readonly string[], io: Io): Promise<number> {
  const args = [...argv];
  let human = false;
  while (args[0] === '-m') {
    human = true;
    args.shift();
  }
  const sub = args.shift();
  if (sub === undefined) return badArgs(io, 'cl_status: no sub-command');
  const flags = new Set(args.filter((arg) => arg.startsWith('-')));
  const params = args.filter((arg) => !arg.startsWith('-'));
  if (flags.has('-m')) human = true;
  const known = ['hbstatus', 'listnodes', 'nodestatus', 'nodetype', 'listhblinks', 'hblinkstatus', 'rscstatus'];
  if (!known.includes(sub)) return badArgs(io, `cl_status: ${sub}: invalid sub-command.`);
  const needs: Record<string, number> = { hbstatus: 0, listnodes: 0, nodestatus: 1, nodetype: 1, listhblinks: 1, hblinkstatus: 2, rscstatus: 0 };
  if (params.length !== needs[sub]) return badArgs(io, `cl_status: ${sub}: wrong number of parameters.`);

  let doc: StatusDocument;
  try {
    const daemon = await connectDaemon({ socketPath: daemonSocketPath(io.env.HBD_RUN_DIR), client: `cl_status ${sub}` });
    try {
      doc = await daemon.call('status', {}, 5000);
    } finally {
      daemon.close();
    }
  } catch (error) {
    if (sub === 'hbstatus') {
      io.stdout('Heartbeat is stopped on this machine.\n');
      return FAIL;
    }
    io.stderr(`ERROR: Cannot signon with heartbeat\nERROR: REASON: ${error instanceof IpcError ? error.message : String(error)}\n`);
    return FAIL;
  }

  const node = params[0];
  const normal = node === undefined ? undefined : doc.nodes.find((candidate) => candidate.name === node.toLowerCase());
  const ping = node === undefined ? undefined : doc.pingTargets.find((candidate) => candidate.name === node);
  const unknownNode = (): number => {
    io.stderr('Error. May be due to incorrect node name\n');
    return BAD_ARGS;
  };

  switch (sub) {
    case 'hbstatus': {
      io.stdout('Heartbeat is running on this machine.\n');
      if (flags.has('-v')) {
        io.stdout(`version:\thbd ${doc.daemon.version}\nmanaged by:\t"haresources"\n\n`);
        for (const target of doc.pingTargets) io.stdout(`${target.name}\tping\t(nodetype: ping)\n\t${target.name}\t${target.status}\n\n`);
        for (const each of doc.nodes) {
          io.stdout(`${each.name}\t${each.status}\t(nodetype: normal)\n`);
          for (const link of each.links) io.stdout(`\t${linkIface(link.link)}\t${link.status}\n`);
          io.stdout('\n');
        }
      }
      return OK;
    }
    case 'listnodes': {
      if (!flags.has('-n')) for (const target of doc.pingTargets) io.stdout(`${target.name}\n`);
      if (!flags.has('-p')) for (const each of doc.nodes) io.stdout(`${each.name}\n`);
      return OK;
    }
    case 'nodestatus': {
      if (ping !== undefined) {
        const word = ping.status === 'up' ? 'ping' : 'dead';
        io.stdout(human ? `Node ${ping.name} is ${word}.\n` : `${word}\n`);
        return word === 'dead' ? FAIL : OK;
      }
      if (normal === undefined) return unknownNode();
      io.stdout(human ? `Node ${normal.name} is ${normal.status}.\n` : `${normal.status}\n`);
      return normal.status === 'dead' ? FAIL : OK;
    }
    case 'nodetype': {
      if (ping !== undefined) io.stdout('ping\n');
      else if (normal !== undefined) io.stdout('normal\n');
      else return unknownNode();
      return OK;
    }
    case 'listhblinks': {
      if (ping !== undefined) {
        io.stdout(flags.has('-v') ? `\t${ping.name}\t${ping.status}\n` : `\t${ping.name}\n`);
        return OK;
      }
      if (normal === undefined) return unknownNode();
      for (const link of normal.links) io.stdout(flags.has('-v') ? `\t${link.link}\t${link.status}\n` : `\t${link.link}\n`);
      return OK;
    }
    case 'hblinkstatus': {
      if (normal === undefined) return unknownNode();
      const wanted = params[1]!;
      const link = normal.links.find((candidate) => candidate.link === wanted) ?? normal.links.find((candidate) => linkIface(candidate.link) === wanted);
      if (link === undefined) {
        io.stderr(`Error. May be due to incorrect link name\n`);
        return BAD_ARGS;
      }
      io.stdout(`${link.status}\n`);
      return link.status === 'up' ? OK : FAIL;
    }
    default: {
      const word = rscstatus(doc);
      io.stdout(human ? `${RSC_TEXT[word]}\n` : `${word}\n`);
      return OK;
    }
  }
}
