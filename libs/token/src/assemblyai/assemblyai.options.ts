import type { Secret } from '../secret';

/** Settings of the built-in AssemblyAI provider (streaming v3 temporary tokens). */
export interface AssemblyAIOptions {
  /** `ASSEMBLYAI_API_KEY`: sent as the raw `Authorization` header (no scheme); never leaves the server otherwise. */
  apiKey: string | Secret;
  /** `ASSEMBLYAI_BASE_URL`: the streaming API. Default `https://streaming.assemblyai.com`. */
  baseUrl?: string;
  /**
   * `expires_in_seconds` asked for: how long the browser has to open its
   * WebSocket with the token (AssemblyAI takes 1 to 600). Default 60.
   */
  expiresInSeconds?: number;
  /**
   * `max_session_duration_seconds` asked for: how long the session the token
   * opens may last (AssemblyAI takes 60 to 10800). Unset: not sent, AssemblyAI's own default (3 h).
   */
  maxSessionDurationSeconds?: number;
}
