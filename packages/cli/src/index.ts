// @hbd/cli: hbctl as a library (for tests and for the compatibility wrappers).
export { runHbctl, createProgram } from './main';
export { EXIT, EXIT_CODES, exitName, type ExitCodeInfo, type ExitName, type ExitCode } from './exit-codes';
export { API_VERSION, envelope, renderJson, requestText, type JsonEnvelope } from './json-envelope';
export { captureIo, processIo, type CliIo, type CapturedIo } from './io';
export type { CommandContext } from './command-context';
export { COMMANDS, registerCommands, type CommandRegistrar } from './commands/index';
export { renderClusterText } from './format/cluster-text';
