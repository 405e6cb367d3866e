// Renders docs/reference/ha.cf.md from the directive table. A test fails when the checked-in
// file differs; `pnpm --filter @hbd/config gen-docs` rewrites it.

import type { DirectiveSection, DirectiveSpec } from './directive-spec';
import { DIRECTIVES } from './directive-table';
import { BOOLEAN_SYNTAX } from './heartbeat-boolean';

export const HA_CF_REFERENCE_PATH = 'docs/reference/ha.cf.md';
export const GEN_DOCS_COMMAND = 'pnpm --filter @hbd/config gen-docs';

const SECTION_TITLES: Record<DirectiveSection, string> = {
  timing: 'Timers',
  nodes: 'Nodes and cluster identity',
  media: 'Links (media), UDP port and ping targets',
  failover: 'Failback and fencing',
  resources: 'Resource operations (hbd extensions)',
  logging: 'Logging',
  processes: 'Processes and API access',
  'heartbeat-internals': 'Heartbeat internals',
  pacemaker: 'Pacemaker mode',
};

const SUPPORT_TEXT: Record<DirectiveSpec['support'], string> = {
  implemented: 'implemented',
  'not-implemented': 'accepted, not implemented (warning)',
  extension: 'hbd extension',
};

const REPEAT_TEXT: Record<DirectiveSpec['repeat'], string> = {
  'last-wins': 'one value; a second one replaces it (warning HB_CFG_DUPLICATE_DIRECTIVE)',
  once: 'may appear only once (error HB_CFG_ONCE_ONLY)',
  accumulates: 'every line and every value adds one',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderHaCfReference(): string {
  const out: string[] = [];
  out.push(
    '<!-- Generated from packages/config/src/directive-table.ts: do not edit; run `' + GEN_DOCS_COMMAND + '`. -->',
    '',
    '# ha.cf reference',
    '',
    'hbd reads Heartbeat 3.0.6\'s `ha.cf` unchanged: every directive Heartbeat knows is accepted. The ones',
    'hbd does not act on yet are accepted with an `HB_CFG_NOT_IMPLEMENTED` warning that says so, never',
    'ignored silently. An unknown directive is an error with a "did you mean" suggestion. Directives marked',
    '*hbd extension* are hbd\'s own: Heartbeat would reject a file that uses them.',
    '',
    'Check a configuration with `hbctl config check [--config-dir DIR] [--node NAME]`; print the defaults with',
    '`hbctl config defaults`. Diagnostic codes are listed in [diagnostics.md](diagnostics.md).',
    '',
    '## How ha.cf is read',
    '',
    '- Line by line. Leading blanks are skipped; everything from `#` to the end of the line is a comment',
    '  (anywhere in the line; `//` is **not** a comment). Empty lines are ignored. Lines longer than',
    '  5119 bytes are an error (Heartbeat would cut them).',
    '- The first word is the directive. Names are **case-sensitive** (`Keepalive` is an error).',
    '  The old name `udp` is read as `bcast` (warning).',
    '- Most directives are *option lists*: the rest of the line is split on commas **and** blanks and',
    '  the directive is applied once per word, in order. So `node a,b c` lists three nodes, and',
    '  `keepalive 500 ms` is `keepalive 500` followed by `keepalive ms`, an error: write `500ms`.',
    '- *Whole-line* directives get the rest of the line as it is: `ucast`, `mcast`, `ucast6`, `mcast6`,',
    '  `ping_group`, `stonith`, `stonith_host`, `apiauth`, `respawn`, `failfast`.',
    '- Directives take effect in file order. `udpport` must come before the `bcast`/`ucast` lines, which',
    '  take the port in effect when they are read.',
    '- `node`, `ping` and the links accumulate over lines; other directives keep their last value.',
    '',
    '## Time values',
    '',
    'Heartbeat\'s own time syntax, exactly:',
    '',
    '| written | means | example |',
    '| --- | --- | --- |',
    '| `N`, `N.M`, `.M` | seconds | `2` = 2000 ms, `1.5` = 1500 ms, `.5` = 500 ms |',
    '| `Nms` | milliseconds | `1500ms` = 1500 ms |',
    '| `Nus` | microseconds, rounded to the nearest ms | `2000000us` = 2000 ms |',
    '',
    'There is no `s`, `m` or `h` suffix: `10s` and `1m` are errors, and so is `500 ms` (two values).',
    '',
    '## Booleans',
    '',
    `Case-insensitive. ${BOOLEAN_SYNTAX.split(' or ').map((side, i) => `${i === 0 ? 'True' : 'False'}: ${side.split('|').map((w) => `\`${w}\``).join(', ')}`).join('; ')}. Anything else is an error.`,
    '',
    '## All directives',
    '',
    '| directive | default | hbd |',
    '| --- | --- | --- |',
  );
  for (const d of DIRECTIVES) {
    out.push(`| [\`${d.name}\`](#${d.name}) | ${cell(d.defaultText)} | ${SUPPORT_TEXT[d.support]} |`);
  }
  const sections = [...new Set(DIRECTIVES.map((d) => d.section))];
  for (const section of sections) {
    out.push('', `## ${SECTION_TITLES[section]}`);
    for (const d of DIRECTIVES.filter((x) => x.section === section)) {
      out.push(
        '',
        `### ${d.name}`,
        '',
        d.summary,
        '',
        `- Syntax: \`${d.name} ${d.syntax}\` (${d.kind === 'option' ? 'option list: split on commas and blanks' : 'whole line'})`,
        `- Default: ${d.defaultText}`,
        `- Repeats: ${REPEAT_TEXT[d.repeat]}`,
        `- hbd: ${SUPPORT_TEXT[d.support]}. ${d.hbd}`,
        `- Heartbeat 3.0.6: ${d.heartbeat}`,
        `- Example: \`${d.example}\``,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
