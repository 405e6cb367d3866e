// haresources reader, following Heartbeat's ResourceManager (it drives everything): delete from
// "#" to the end of the line, join a line ending in "\" with the next (backslash and newline
// removed), split on blanks. Each logical line is a group: `node resource resource …`. A token
// `Name::arg1::arg2` names an agent and its arguments; a token that looks like a dotted IPv4
// address means `IPaddr::token`. Agent files are resolved by @hbd/config-loader, not here.

import type { Diagnostic, ResourceGroup, ResourceSpec, SourceLocation } from './model';
import type { DiagnosticCode } from './diagnostic-codes';
import { diagnostic } from './diagnostics';
import { splitLines } from './text-lines';
import { ipaddrArgumentProblem, looksLikeIPv4Resource } from './addresses';

export interface HaresourcesParseResult {
  readonly groups: ResourceGroup[];
  readonly diagnostics: Diagnostic[];
}

interface Position {
  readonly line: number;
  readonly column: number;
}

interface LogicalLine {
  text: string;
  positions: Position[]; // one per character of text
}

interface LocatedWord {
  readonly text: string;
  readonly location: SourceLocation;
}

/** Arity of agents whose calling convention is fixed by Heartbeat (heartbeat-3-behaviour.md §2.7). */
const KNOWN_ARITY: Readonly<Record<string, { readonly min: number; readonly max: number; readonly usage: string }>> = {
  IPaddr: { min: 1, max: 1, usage: 'IPaddr::ip[/cidr[/interface[/broadcast]]]' },
  IPaddr2: { min: 1, max: 1, usage: 'IPaddr2::ip[/cidr[/interface[/broadcast]]]' },
  Filesystem: { min: 2, max: 4, usage: 'Filesystem::device::directory[::fstype[::options]]' },
  drbddisk: { min: 0, max: 1, usage: 'drbddisk[::resource]' },
};

export function parseHaresources(text: string, options: { readonly file?: string } = {}): HaresourcesParseResult {
  const file = options.file ?? 'haresources';
  const diagnostics: Diagnostic[] = [];
  const report = (code: DiagnosticCode, at: SourceLocation, message: string, hint?: string): void => {
    diagnostics.push(diagnostic(code, at, message, hint));
  };

  const groups: ResourceGroup[] = [];
  const firstSeen = new Map<string, { group: string; location: SourceLocation }>();
  for (const logical of logicalLines(text, file, report)) {
    const words = splitWords(logical, file);
    const [nodeWord, ...resourceWords] = words;
    if (nodeWord === undefined) continue;
    const preferredNode = nodeWord.text.toLowerCase();
    if (resourceWords.length === 0) {
      report('HB_CFG_EMPTY_GROUP', nodeWord.location, `"${nodeWord.text}" has no resources: this line does nothing`, `list the resources after the node: "${nodeWord.text} IPaddr::192.168.42.14/24/eth0 nginx"`);
      continue;
    }
    const resources: ResourceSpec[] = [];
    for (const word of resourceWords) {
      const spec = parseResourceToken(word, report);
      if (spec === undefined) continue;
      const key = canonicalResource(spec);
      const earlier = firstSeen.get(key);
      if (earlier !== undefined) {
        report(
          'HB_CFG_DUPLICATE_RESOURCE',
          word.location,
          `resource "${word.text}" is already in group "${earlier.group}" (line ${earlier.location.line}): a resource can belong to one group only`,
          'remove one of them; two groups would start the same resource on two nodes',
        );
        continue;
      }
      const groupId = resources[0]?.token ?? word.text;
      firstSeen.set(key, { group: groupId, location: word.location });
      resources.push(spec);
    }
    const first = resources[0];
    if (first === undefined) continue;
    groups.push({ id: first.token, preferredNode, resources, location: nodeWord.location });
  }
  return { groups, diagnostics };
}

/** The canonical form used to spot one resource listed twice (`10.0.0.1` is `IPaddr::10.0.0.1`). */
export function canonicalResource(spec: Pick<ResourceSpec, 'name' | 'args'>): string {
  return [spec.name, ...spec.args].join('::');
}

function logicalLines(text: string, file: string, report: (code: DiagnosticCode, at: SourceLocation, message: string, hint?: string) => void): LogicalLine[] {
  const out: LogicalLine[] = [];
  let current: LogicalLine | undefined;
  for (const physical of splitLines(text)) {
    let body = physical.text;
    const hash = body.indexOf('#');
    if (hash !== -1) body = body.slice(0, hash);
    if (body.endsWith('\r')) body = body.slice(0, -1);
    const line: LogicalLine = current ?? { text: '', positions: [] };
    const continues = body.endsWith('\\');
    const kept = continues ? body.slice(0, -1) : body;
    for (let i = 0; i < kept.length; i += 1) {
      line.text += kept[i];
      line.positions.push({ line: physical.number, column: i + 1 });
    }
    const trailing = /\\[ \t]+$/.exec(body);
    if (!continues && trailing !== null) {
      report(
        'HB_CFG_CONTINUATION_SPACE',
        { file, line: physical.number, column: trailing.index + 1, endColumn: body.length + 1 },
        'a backslash followed by blanks does not continue the line: the next line starts a new group',
        'delete the blanks after the backslash',
      );
    }
    if (continues) {
      current = line;
    } else {
      out.push(line);
      current = undefined;
    }
  }
  if (current !== undefined) out.push(current);
  return out;
}

function splitWords(logical: LogicalLine, file: string): LocatedWord[] {
  const words: LocatedWord[] = [];
  const re = /[^ \t\f\v\r]+/g;
  for (let m = re.exec(logical.text); m !== null; m = re.exec(logical.text)) {
    const first = logical.positions[m.index] as Position;
    const last = logical.positions[m.index + m[0].length - 1] as Position;
    const location: SourceLocation =
      first.line === last.line ? { file, line: first.line, column: first.column, endColumn: last.column + 1 } : { file, line: first.line, column: first.column };
    words.push({ text: m[0], location });
  }
  return words;
}

function parseResourceToken(word: LocatedWord, report: (code: DiagnosticCode, at: SourceLocation, message: string, hint?: string) => void): ResourceSpec | undefined {
  const shorthand = looksLikeIPv4Resource(word.text);
  const canonical = shorthand ? `IPaddr::${word.text}` : word.text;
  const sep = canonical.indexOf('::');
  const name = sep === -1 ? canonical : canonical.slice(0, sep);
  if (name === '' || name.includes('/') || name === '.' || name === '..') {
    report(
      'HB_CFG_BAD_RESOURCE_TOKEN',
      word.location,
      name === '' ? `resource "${word.text}" has no agent name before "::"` : `resource "${word.text}": agent name "${name}" is not a file name`,
      'resources are written Name or Name::arg1::arg2, e.g. Filesystem::/dev/drbd0::/store::ext4',
    );
    return undefined;
  }
  // ResourceManager turns every "::" into a blank and lets the shell split: empty arguments vanish.
  const rawArgs = sep === -1 ? [] : canonical.slice(sep + 2).split('::');
  if (rawArgs.some((a) => a === '')) {
    report('HB_CFG_EMPTY_ARGUMENT', word.location, `resource "${word.text}" has an empty argument, which Heartbeat drops (the others shift left)`, 'remove the doubled or trailing "::"');
  }
  const args = rawArgs.filter((a) => a !== '');
  const arity = KNOWN_ARITY[name];
  if (arity !== undefined && (args.length < arity.min || args.length > arity.max)) {
    report('HB_CFG_AGENT_ARGS', word.location, `${name} takes ${arity.min === arity.max ? arity.min : `${arity.min} to ${arity.max}`} argument(s), "${word.text}" has ${args.length}`, `write ${arity.usage}`);
    return undefined;
  }
  if ((name === 'IPaddr' || name === 'IPaddr2') && args[0] !== undefined) {
    const problem = ipaddrArgumentProblem(args[0]);
    if (problem !== undefined) {
      report('HB_CFG_BAD_IPADDR', word.location, `${shorthand ? 'IP address resource' : name} "${word.text}": ${problem}`, `write ${name}::ip[/cidr[/interface[/broadcast]]], e.g. 192.168.42.14/25/eth0`);
      return undefined;
    }
  }
  return { token: word.text, name, args, location: word.location };
}
