/**
 * The requests the seeds' real browser clients send, as recorded from their
 * source (method, headers, body, credentials, query). The HTTP-level spec sends
 * them with node:http byte for byte (`rawSend` in test/support/http.ts); the browser spec replays them as the
 * clients' own fetch calls in Chromium.
 */

/** Miso's default `clientTokenUri`, and the seed's one-liner option. */
export const MISO_PATHS = ['/api/v1/auth/client-token', '/api/client-token'] as const;

/** The WordPress plugin's `token_endpoint`: its own query (avatar id, CSRF nonce) plus a cache buster. */
export function sentifydEndpoint(avatarId: string): string {
  return `/request_tokens?avatar_id=${avatarId}&_wpnonce=3f9a2c1b7e&_=1767225600000`;
}

/** What `<sentifyd-bot>` GETs when its access token expires: `refreshToken` appended to `token_endpoint`. */
export function withRefreshToken(endpoint: string, handle: string): string {
  return `${endpoint}${endpoint.includes('?') ? '&' : '?'}refreshToken=${encodeURIComponent(handle)}`;
}

/** The headers of Miso's `fetch` (Content-Type only; the browser adds Origin on a POST). */
export function misoHeaders(origin?: string): Record<string, string> {
  return { 'content-type': 'application/json', ...(origin && { origin }) };
}
