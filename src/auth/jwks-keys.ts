import { createLocalJWKSet, createRemoteJWKSet, errors, jwksCache, type JSONWebKeySet, type JWKSCacheInput, type JWTVerifyGetKey } from 'jose';

/** An unknown `kid` refetches the JWKS at most this often; so does a retry after the JWKS failed. */
export const JWKS_COOLDOWN_MS = 30_000;
/** Keys are refetched when older than this (a removed key stops verifying within it). */
export const JWKS_MAX_AGE_MS = 10 * 60_000;
/** One JWKS fetch, connection to body. */
export const JWKS_TIMEOUT_MS = 5_000;

/**
 * An identity provider's keys, from its JWKS URL, through jose's remote JWK
 * set: fetched on first use, cached, refetched when older than
 * {@link JWKS_MAX_AGE_MS} or on an unknown `kid` (at most once per
 * {@link JWKS_COOLDOWN_MS}), each fetch bounded by {@link JWKS_TIMEOUT_MS}.
 *
 * What jose leaves to us is an outage: when a fetch fails (down, timed out,
 * garbage), the keys last fetched keep verifying the tokens they signed, and
 * no fetch is tried again for the cooldown, so neither an unknown `kid` nor a
 * stale cache makes a request wait on a JWKS that is not answering.
 */
export function jwksKeys(url: string): JWTVerifyGetKey {
  // jose writes the last good JWKS here on every successful fetch.
  const lastGood: Partial<JWKSCacheInput> & { jwks?: JSONWebKeySet } = {};
  const remote = createRemoteJWKSet(new URL(url), {
    cooldownDuration: JWKS_COOLDOWN_MS,
    cacheMaxAge: JWKS_MAX_AGE_MS,
    timeoutDuration: JWKS_TIMEOUT_MS,
    [jwksCache]: lastGood as JWKSCacheInput,
  });
  let failedAt = Number.NEGATIVE_INFINITY;
  let local: { jwks: JSONWebKeySet; keys: JWTVerifyGetKey } | undefined;
  const cached: JWTVerifyGetKey = (header, token) => {
    if (!lastGood.jwks) throw new errors.JWKSNoMatchingKey();
    if (local?.jwks !== lastGood.jwks) local = { jwks: lastGood.jwks, keys: createLocalJWKSet(lastGood.jwks) };
    return local.keys(header, token);
  };
  return async (header, token) => {
    if (Date.now() - failedAt < JWKS_COOLDOWN_MS) return cached(header, token);
    try {
      return await remote(header, token);
    } catch (error) {
      // The set answered and has no such key (or two): a bad token, not an outage.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      failedAt = Date.now();
      return cached(header, token);
    }
  };
}
