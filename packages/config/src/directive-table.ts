// The one ha.cf directive table: every directive Heartbeat 3.0.6 knows, plus hbd's extensions.
// The parser, `hbctl config defaults` and docs/reference/ha.cf.md are all driven by it.

import type { DirectiveSpec } from './directive-spec';
import { CORE_DIRECTIVES } from './directives-core';
import { MEDIA_DIRECTIVES } from './directives-media';
import { COMPAT_DIRECTIVES } from './directives-compat';
import { STONITH_DIRECTIVES } from './directives-stonith';

export const DIRECTIVES: readonly DirectiveSpec[] = [...CORE_DIRECTIVES, ...MEDIA_DIRECTIVES, ...STONITH_DIRECTIVES, ...COMPAT_DIRECTIVES];

const BY_NAME = new Map(DIRECTIVES.map((d) => [d.name, d]));

export const DIRECTIVE_NAMES: readonly string[] = DIRECTIVES.map((d) => d.name);

/** Directive names are case-sensitive in Heartbeat (`Keepalive` is illegal). */
export function lookupDirective(name: string): DirectiveSpec | undefined {
  return BY_NAME.get(name);
}

/** Heartbeat's only alias: the legacy `udp` directive is read as `bcast` (with a warning). */
export const DIRECTIVE_ALIASES: Readonly<Record<string, string>> = { udp: 'bcast' };

export interface DirectiveDefault {
  readonly name: string;
  readonly defaultText: string;
  readonly support: DirectiveSpec['support'];
  readonly summary: string;
}

/** What `hbctl config defaults` prints (Heartbeat's `heartbeat -D`, plus hbd's extensions). */
export function directiveDefaults(): DirectiveDefault[] {
  return DIRECTIVES.map((d) => ({ name: d.name, defaultText: d.defaultText, support: d.support, summary: d.summary }));
}
