import type { Secret } from '../secret';

/**
 * Settings of the built-in Deepgram provider: one short-lived access token
 * (`/v1/auth/grant`) per request, as Deepgram advises one per connection.
 */
export interface DeepgramOptions {
  /** `DEEPGRAM_API_KEY`, sent as `Authorization: Token <key>`; never leaves the server otherwise. */
  apiKey: string | Secret;
  /** `DEEPGRAM_TOKEN_TTL`: whole seconds a token lives, 1 to 3600 (`ttl_seconds`). Default 300. */
  ttlSeconds?: number;
  /** `DEEPGRAM_BASE_URL`: where tokens are granted. Default `https://api.deepgram.com`. */
  baseUrl?: string;
}
