// Three levels: pure policy and helpers (unit), real MariaDB/MySQL + Redis (integration),
// the HTTP API over a listening server (e2e).
const tsJest = ['ts-jest', { diagnostics: false }];
// content-disposition 3 (used by @fastify/static for the API docs) ships ES modules only,
// which Node 20 loads natively but Jest's CommonJS runtime needs transpiled.
const esmOnly = ['content-disposition'];
const common = {
  transform: {
    '^.+\\.ts$': tsJest,
    [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: [
      'ts-jest',
      { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs', isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/property-test-limits.ts'],
};

module.exports = {
  testTimeout: 30000,
  // The usual output, and a progress log that scripts/test.sh reads if the run overruns its time limit.
  reporters: ['default', '<rootDir>/test/support/progress-reporter.js'],
  // One fresh database per run, shared by the integration and e2e levels.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'architecture', rootDir: '.', testMatch: ['<rootDir>/test/architecture/**/*.spec.ts'] },
    { ...common, displayName: 'integration', rootDir: '.', testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      rootDir: '.',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      // After each file, the per-unit claim totals must still equal the records (fails the file otherwise).
      setupFilesAfterEnv: ['<rootDir>/test/support/reconcile-totals-after-file.ts'],
    },
  ],
};
