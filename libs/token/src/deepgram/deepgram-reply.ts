import { UpstreamError } from '../errors/upstream-error';
import { isRecord, pickSeconds, pickString } from '../upstream/json-shape';
import type { UpstreamGrant } from '../providers/token-provider';

/**
 * Reads the reply of `POST /v1/auth/grant`: `{ access_token: <JWT>,
 * expires_in: <seconds> }`. No `expires_in`: the `ttl_seconds` we asked for.
 * @throws UpstreamError `invalid` without an `access_token`, or with an
 *   `expires_in` that is not a positive number of seconds.
 */
export function parseDeepgramReply(body: unknown, requestedSeconds: number): UpstreamGrant {
  if (!isRecord(body)) throw new UpstreamError('deepgram', 'invalid');
  const accessToken = pickString(body, 'access_token');
  if (!accessToken) throw new UpstreamError('deepgram', 'invalid');
  if (body.expires_in === undefined || body.expires_in === null) return { accessToken, expiresIn: requestedSeconds };
  const expiresIn = typeof body.expires_in === 'number' ? pickSeconds(body, 'expires_in') : undefined;
  // A zero, negative or unreadable lifetime is not a token to hand out.
  if (expiresIn === undefined) throw new UpstreamError('deepgram', 'invalid');
  return { accessToken, expiresIn };
}
