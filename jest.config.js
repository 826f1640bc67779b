// Test tiers by file suffix: *.unit.spec.ts (pure, fast), *.int.spec.ts (real Kafka + FerretDB),
// *.e2e.spec.ts (whole mesh as processes). TypeScript is transformed by SWC; libs resolve to source.
const shared = {
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  moduleNameMapper: { '^@imei/([a-z-]+)$': '<rootDir>/libs/$1/src', '^@imei/([a-z-]+)/([a-z-]+)$': '<rootDir>/libs/$1/src/$2' },
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.local/'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{libs,services,test}/**/*.unit.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services,test}/**/*.int.spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest-timeouts.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest-timeouts.ts'],
    },
  ],
};
