import { UpstreamError } from '../errors/upstream-error';
import { isRecord, pickSeconds, pickString } from '../upstream/json-shape';
import type { UpstreamGrant } from '../providers/token-provider';

/**
 * Reads AssemblyAI's `GET /v3/token` reply: `{ token, expires_in_seconds }`,
 * the lifetime relative to receipt. Without `expires_in_seconds` the token
 * lives what we asked for; a stated lifetime longer than that is capped to it
 * (the token cannot outlive the window we asked for).
 * @throws UpstreamError `invalid` for no token, or an `expires_in_seconds` that is no positive number.
 */
export function parseAssemblyAIReply(body: unknown, requestedSeconds: number): UpstreamGrant {
  if (!isRecord(body)) throw new UpstreamError('assemblyai', 'invalid');
  const token = pickString(body, 'token');
  if (!token) throw new UpstreamError('assemblyai', 'invalid');
  const stated = body.expires_in_seconds;
  if (stated === undefined || stated === null) return { accessToken: token, expiresIn: requestedSeconds };
  const seconds = pickSeconds(body, 'expires_in_seconds');
  // A token stated as dead on arrival (0, negative, not a number) must not be handed out.
  if (seconds === undefined) throw new UpstreamError('assemblyai', 'invalid');
  return { accessToken: token, expiresIn: Math.min(seconds, requestedSeconds) };
}
