export { registerDaemonCommands, type DaemonCommandContext } from './register';
export { runStatus, type StatusOptions } from './status-command';
export { runStandbyOrTakeover, runCleanup, DEFAULT_ADMIN_TIMEOUT_S, type AdminOptions } from './admin-command';
export { runNodeList, runResourceList } from './list-commands';
export { renderStatus } from './render-status';
export { EXIT, envelope, processIo, reportError, type Envelope, type Io } from './output';
