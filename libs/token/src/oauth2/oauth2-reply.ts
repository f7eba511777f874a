import { UpstreamError } from '../errors/upstream-error';
import { isRecord, pickSeconds, pickString } from '../upstream/json-shape';
import { lifetimeFromJwt } from '../providers/provider-kit';
import type { UpstreamGrant } from '../providers/token-provider';

/**
 * Lifetime assumed when the server states no `expires_in` (RFC 6749 makes it
 * only RECOMMENDED) and the token is no JWT with an `exp`: short, so a token
 * of unknown life is never served long.
 */
export const OAUTH2_DEFAULT_EXPIRES_IN = 300;

/**
 * Reads a token endpoint's success reply (RFC 6749 §5.1):
 * `{ access_token, token_type, expires_in? }`. Without `expires_in`, the JWT's
 * `exp` (against `nowMs`), else {@link OAUTH2_DEFAULT_EXPIRES_IN}. The token
 * type travels as the grant's extras; a refresh token, should a server send
 * one, is dropped (client credentials need none: the library asks again).
 * @throws UpstreamError `invalid` without an access token or a token type, or for a JWT already expired.
 */
export function parseOAuth2Reply(body: unknown, nowMs: number): UpstreamGrant {
  if (!isRecord(body)) throw new UpstreamError('oauth2', 'invalid');
  const accessToken = pickString(body, 'access_token');
  const tokenType = pickString(body, 'token_type');
  if (!accessToken || !tokenType) throw new UpstreamError('oauth2', 'invalid');
  return { accessToken, expiresIn: pickSeconds(body, 'expires_in') ?? lifetimeFromJwt('oauth2', accessToken, nowMs, OAUTH2_DEFAULT_EXPIRES_IN), extras: { tokenType } };
}
