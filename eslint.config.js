// Lint rules that carry the architecture: the pure packages (core, config, wire, ipc) may not
// touch the clock, randomness, timers, the process or Node's modules. Everything else is the
// recommended set.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const purePackages = ['packages/core/src/**/*.ts', 'packages/config/src/**/*.ts', 'packages/wire/src/**/*.ts', 'packages/ipc/src/**/*.ts'];

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: purePackages,
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'net', 'dgram', 'child_process', 'os', 'crypto', 'path', 'timers'], message: 'Pure packages do no I/O: inject it from the shell.' }] }],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Time comes in through an Input (nowMs).' },
        { object: 'Math', property: 'random', message: 'Randomness is injected (seeded in the simulator).' },
        { object: 'performance', property: 'now', message: 'Time comes in through an Input (nowMs).' },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate', 'process', 'Date'],
    },
  },
);
