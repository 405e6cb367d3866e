export * from './ndjson';
export * from './errors';
export * from './protocol';
export * from './messages';
export * from './status-document';
