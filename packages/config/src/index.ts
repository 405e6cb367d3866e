// @hbd/config: pure readers for Heartbeat's ha.cf, haresources and authkeys. Text in,
// {config, diagnostics} out; never throws on user input; no I/O.

export * from './model';
export { DIAGNOSTIC_CODES, ALL_DIAGNOSTIC_CODES, severityOf, type DiagnosticCode, type DiagnosticCodeInfo } from './diagnostic-codes';
export { diagnostic, wholeFile, hasErrors, countBySeverity, sortDiagnostics, formatDiagnostic } from './diagnostics';
export { parseHeartbeatTime, formatDurationMs, formatHeartbeatTime, type TimeParse } from './heartbeat-time';
export { parseHeartbeatBoolean } from './heartbeat-boolean';
export { parseHaCf, type HaCfParseResult } from './ha-cf';
export type { HaCfSettings, Located } from './ha-cf-settings';
export { parseHaresources, canonicalResource, type HaresourcesParseResult } from './haresources';
export { parseAuthkeys, AUTH_METHODS, type AuthkeysOptions, type AuthkeysParseResult } from './authkeys';
export {
  parseClusterConfig,
  assembleClusterConfig,
  defaultInitdeadMs,
  defaultWarntimeMs,
  DEFAULTS,
  type ClusterConfigInput,
  type ClusterConfigResult,
  type LocalNodeInput,
} from './cluster-config';
export { DIRECTIVES, DIRECTIVE_NAMES, DIRECTIVE_ALIASES, lookupDirective, directiveDefaults, type DirectiveDefault } from './directive-table';
export type { DirectiveSpec, DirectiveSection, Support } from './directive-spec';
export { configDigest, canonicalClusterText, fnv1a64 } from './digest';
export { clusterDifferences } from './cluster-differences';
export { printClusterConfig, printHaCf, printHaresources, printAuthkeys, type PrintedConfig } from './print';
export { renderHaCfReference, HA_CF_REFERENCE_PATH, GEN_DOCS_COMMAND } from './ha-cf-reference';
export { didYouMean } from './did-you-mean';
