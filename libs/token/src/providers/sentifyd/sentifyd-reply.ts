import { UpstreamError } from '../../errors/upstream-error';
import { isRecord, pickSeconds, pickString, unwrapData } from '../../upstream/json-shape';
import type { UpstreamGrant } from '../token-provider';

/** Lifetime assumed when Sentifyd states none. */
export const SENTIFYD_DEFAULT_EXPIRES_IN = 60;

/**
 * Reads a Sentifyd login or refresh reply: wrapped in `data` or flat, in
 * snake_case (`access_token`, `refresh_token`, `avatar_params`, `expires_in`)
 * or camelCase. The avatar parameters travel as the grant's extras.
 * @throws UpstreamError `invalid` when there is no access token.
 */
export function parseSentifydReply(body: unknown): UpstreamGrant {
  if (!isRecord(body)) throw new UpstreamError('sentifyd', 'invalid');
  const data = unwrapData(body);
  const accessToken = pickString(data, 'access_token', 'accessToken');
  if (!accessToken) throw new UpstreamError('sentifyd', 'invalid');
  const params = data.avatar_params ?? data.avatarParameters ?? data.avatarParams;
  return {
    accessToken,
    refreshToken: pickString(data, 'refresh_token', 'refreshToken'),
    expiresIn: pickSeconds(data, 'expires_in', 'expiresIn') ?? SENTIFYD_DEFAULT_EXPIRES_IN,
    extras: { avatarParameters: isRecord(params) ? params : {} },
  };
}
