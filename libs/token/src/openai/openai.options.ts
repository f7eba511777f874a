import type { Secret } from '../secret';

/**
 * Settings of the built-in OpenAI Realtime provider: one client secret
 * (`ek_…`) per request, locked to a session configured here, never by the browser.
 */
export interface OpenAIOptions {
  /** `OPENAI_API_KEY`, sent as `Authorization: Bearer <key>`; never leaves the server otherwise. */
  apiKey: string | Secret;
  /** `OPENAI_REALTIME_MODEL`: the Realtime model of the session. Default `gpt-realtime`. */
  model?: string;
  /** `OPENAI_REALTIME_VOICE`: the output voice (e.g. `marin`); unset leaves OpenAI's default. */
  voice?: string;
  /** Instructions fixed in the session; unset sends none. */
  instructions?: string;
  /** Lifetime of a client secret in whole seconds, 10 to 7200 (`expires_after.seconds`). Default 600. */
  expiresAfterSeconds?: number;
  /** `OPENAI_BASE_URL`: where client secrets are created. Default `https://api.openai.com`. */
  baseUrl?: string;
}
