// One jest run, three projects: fast pure tests, the simulator, and real-process tests
// (network namespaces, real agents) that need root.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];
const common = {
  transform: { '^.+\\.(t|j)s$': swc },
  moduleNameMapper: { '^@hbd/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts' },
  testEnvironment: 'node',
};
module.exports = {
  // Both cores: the simulator's seed list is CPU-bound; the real tests are polled with bounded
  // timeouts and tolerate a loaded machine.
  maxWorkers: 2,
  globalSetup: '<rootDir>/jest.global-setup.js',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/resource-agents/test/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.sim\\.test\\.ts$', '\\.real\\.test\\.ts$', '/node_modules/'],
    },
    {
      ...common,
      displayName: 'sim',
      testMatch: ['<rootDir>/packages/*/test/**/*.sim.test.ts', '<rootDir>/packages/*/src/**/*.sim.test.ts'],
    },
    {
      ...common,
      displayName: 'real',
      testMatch: ['<rootDir>/**/*.real.test.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
    },
  ],
};
