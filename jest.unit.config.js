/**
 * `npm run test:unit`: the unit specs beside the code, alone: no Redis (no
 * preflight, no spec that talks to one) and no example app booted. Seconds,
 * not minutes; the full run (`npm test`) still runs everything.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testRegex: '(libs|src)/.*\\.spec\\.ts$',
  // Specs against a real Redis (named redis.*.spec.ts) belong to the full run.
  testPathIgnorePatterns: ['/node_modules/', '/redis[^/]*\\.spec\\.ts$'],
  globalSetup: undefined,
};
