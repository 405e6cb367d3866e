export * from './real-test-gate';
export * from './run-command';
export * from './netns';
