/** Two projects: fast pure unit specs beside the code, and end-to-end tests under test/ that use
 * the machine's real Postgres and Redis. `npm test` runs both, in band (the e2e tests share them). */
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];
module.exports = {
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform: { '^.+\\.ts$': swc }, testMatch: ['<rootDir>/{apps,libs,bench,scripts}/**/*.spec.ts'] },
    { displayName: 'e2e', testEnvironment: 'node', transform: { '^.+\\.ts$': swc }, testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], slowTestThreshold: 30 },
  ],
  testTimeout: 60000,
  // A suite whose setup fails can leave a server or pool open; exit anyway so that CI reports the
  // failure instead of hanging until its time limit. Passing suites close everything they open.
  forceExit: true,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
