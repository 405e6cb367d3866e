export * from './ids';
export * from './messages';
export * from './events';
export * from './types';
