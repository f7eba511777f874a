import type { Secret } from '../secret';

/**
 * Settings of the built-in Gemini Live provider: one single-use ephemeral
 * token (v1alpha `auth_tokens`) per request, locked to the configured model.
 */
export interface GeminiOptions {
  /** `GEMINI_API_KEY`, sent as `x-goog-api-key`; never leaves the server otherwise. */
  apiKey: string | Secret;
  /**
   * `GEMINI_LIVE_MODEL`: the Live model the token is locked to, e.g.
   * `gemini-live-2.5-flash-preview`; sent as `models/<name>` (a name that
   * already starts with `models/` or `tunedModels/` is sent as is).
   */
  model: string;
  /** Whole seconds a browser has to open its Live session (`newSessionExpireTime`). Default 60. */
  newSessionSeconds?: number;
  /** Whole seconds the token serves the session it opened (`expireTime`), at least `newSessionSeconds`, under 20 h. Default 1800. */
  expireSeconds?: number;
  /** `GEMINI_BASE_URL`: where tokens are created. Default `https://generativelanguage.googleapis.com`. */
  baseUrl?: string;
}
