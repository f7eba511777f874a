import { UpstreamError } from '../../errors/upstream-error';
import { isRecord, pickSeconds, pickString, unwrapData } from '../../upstream/json-shape';
import { jwtExpiry } from '../../upstream/jwt-exp';
import type { UpstreamGrant } from '../token-provider';

/** Lifetime assumed when the controller states none and the token has no `exp`. */
export const MISO_DEFAULT_EXPIRES_IN = 1800;

/**
 * Reads a Miso controller token reply: `{ success, data: { token, expiresIn } }`,
 * or the flat `{ token, expiresIn }` of older controllers. Without `expiresIn`,
 * the JWT's `exp` (against `nowMs`), else 1800 s.
 * @throws UpstreamError `invalid` for `success: false`, no token, or a JWT already expired.
 */
export function parseMisoReply(body: unknown, nowMs: number): UpstreamGrant {
  if (!isRecord(body) || body.success === false) throw new UpstreamError('miso', 'invalid');
  const data = unwrapData(body);
  const token = pickString(data, 'token', 'accessToken');
  if (!token) throw new UpstreamError('miso', 'invalid');
  return { accessToken: token, expiresIn: pickSeconds(data, 'expiresIn', 'expires_in') ?? lifetimeFromJwt(token, nowMs) };
}

function lifetimeFromJwt(token: string, nowMs: number): number {
  const exp = jwtExpiry(token);
  if (exp === undefined) return MISO_DEFAULT_EXPIRES_IN;
  const left = exp - nowMs / 1000;
  // A token that is dead on arrival must not be cached and handed out for 30 minutes.
  if (left <= 0) throw new UpstreamError('miso', 'invalid');
  return left;
}
