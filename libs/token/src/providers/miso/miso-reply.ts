import { UpstreamError } from '../../errors/upstream-error';
import { isRecord, pickSeconds, pickString, unwrapData } from '../../upstream/json-shape';
import { lifetimeFromJwt } from '../provider-kit';
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
  return { accessToken: token, expiresIn: pickSeconds(data, 'expiresIn', 'expires_in') ?? lifetimeFromJwt('miso', token, nowMs, MISO_DEFAULT_EXPIRES_IN) };
}
