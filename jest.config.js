// Three levels: pure policy and helpers (unit), real MariaDB/MySQL + Redis (integration),
// the HTTP API over a listening server (e2e).
const tsJest = ['ts-jest', { isolatedModules: true, diagnostics: false }];
const common = { transform: { '^.+\\.ts$': tsJest }, moduleFileExtensions: ['ts', 'js', 'json'], testEnvironment: 'node' };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      rootDir: '.',
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      rootDir: '.',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
