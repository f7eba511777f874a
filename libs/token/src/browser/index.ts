/**
 * `nestjs-token-broker/browser`: a dependency-free client for the token routes,
 * shipped as ESM. Only the public names; the `.js` suffixes let browsers load the
 * emitted files without a bundler.
 */
export { createTokenClient } from './token-client.js';
export { TokenClientError } from './token-client-error.js';
export type {
  TabChannel,
  TabLocks,
  TokenClient,
  TokenClientOptions,
  TokenListener,
  TokenResult,
} from './types.js';
