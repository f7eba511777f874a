import { UpstreamError } from '../errors/upstream-error';
import { isRecord, pickString } from '../upstream/json-shape';
import type { UpstreamGrant } from '../providers/token-provider';

/**
 * Reads the reply of `POST /v1alpha/auth_tokens`: the token is its `name`
 * (`auth_tokens/…`). No expiry comes back: the token is good for as long as we
 * gave a browser to open its session (`newSessionSeconds`, the
 * `newSessionExpireTime` we sent), counted by the library from before the call.
 * @throws UpstreamError `invalid` without a `name`.
 */
export function parseGeminiReply(body: unknown, newSessionSeconds: number): UpstreamGrant {
  if (!isRecord(body)) throw new UpstreamError('gemini', 'invalid');
  const name = pickString(body, 'name');
  if (!name) throw new UpstreamError('gemini', 'invalid');
  return { accessToken: name, expiresIn: newSessionSeconds };
}
