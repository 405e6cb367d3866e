export * from './real-test-gate';
