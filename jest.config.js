/** One jest run for everything: unit specs beside the code, e2e specs in test/. */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testRegex: '(libs|src|test|bench)/.*\\.(spec|e2e-spec)\\.ts$',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: {
    // ESM-style relative imports (`./x.js`, the browser client's) resolve to their TypeScript source.
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // Specs run against the library source, by its package name.
    "^nestjs-token-broker$": "<rootDir>/libs/token/src",
    // ...except its package.json (the demo page finds the built browser client from it).
    "^nestjs-token-broker/package\\.json$": "<rootDir>/libs/token/package.json",
    "^nestjs-token-broker/(.*)$": "<rootDir>/libs/token/src/$1",
  },
  testTimeout: 20000,
  // Redis is checked once before any suite: without one the run fails in seconds, in one line, instead of hanging.
  globalSetup: '<rootDir>/test/support/redis-preflight.js',
  // e2e suites boot servers; two workers fit a 2-core machine.
  maxWorkers: 2,
};
