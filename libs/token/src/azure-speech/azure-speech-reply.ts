import { UpstreamError } from '../errors/upstream-error';
import type { UpstreamGrant } from '../providers/token-provider';

/**
 * Seconds an Azure Speech token is served for, counted from before the call:
 * the token lives 10 minutes and Microsoft advises reusing it for 9, so 9
 * (the library then takes its safety margin off that). The reply states no
 * expiry of its own.
 */
export const AZURE_SPEECH_TOKEN_LIFETIME = 540;

/** Three non-empty base64url parts: a signed JWT, as `issueToken` answers. */
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Reads the reply of `POST /sts/v1.0/issueToken`: the access token (a JWT) as
 * plain text, nothing else. Its lifetime is the documented reuse window.
 * @throws UpstreamError `invalid` for anything but one JWT (JSON, HTML, empty).
 */
export function parseAzureSpeechReply(body: unknown): UpstreamGrant {
  if (typeof body !== 'string') throw new UpstreamError('azure-speech', 'invalid');
  const token = body.trim();
  if (!JWT.test(token)) throw new UpstreamError('azure-speech', 'invalid');
  return { accessToken: token, expiresIn: AZURE_SPEECH_TOKEN_LIFETIME };
}
