import { UpstreamError } from '../errors/upstream-error';
import { isRecord, pickString } from '../upstream/json-shape';
import type { UpstreamGrant } from '../providers/token-provider';

/**
 * How long a signed URL is good for: ElevenLabs states no expiry, and documents
 * that the conversation must start within 15 minutes.
 */
export const ELEVENLABS_SIGNED_URL_WINDOW = 15 * 60;

/**
 * Reads ElevenLabs' `get-signed-url` reply: `{ signed_url }`, a `wss://` URL
 * whose query holds the conversation signature (a credential: it is the grant's
 * access token, and is never logged). No expiry comes back: the documented
 * 15-minute window applies.
 * @throws UpstreamError `invalid` for no signed URL, or one that is not a `wss://` URL.
 */
export function parseElevenLabsReply(body: unknown): UpstreamGrant {
  if (!isRecord(body)) throw new UpstreamError('elevenlabs', 'invalid');
  const signedUrl = pickString(body, 'signed_url');
  if (!signedUrl || !isWebSocketUrl(signedUrl)) throw new UpstreamError('elevenlabs', 'invalid');
  return { accessToken: signedUrl, expiresIn: ELEVENLABS_SIGNED_URL_WINDOW };
}

function isWebSocketUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'wss:' && url.hostname !== '' && url.username === '' && url.password === '';
}
