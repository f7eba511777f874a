import type { Secret } from '../secret';

/** Settings of the built-in ElevenLabs provider (Agents signed URLs). */
export interface ElevenLabsOptions {
  /** `ELEVENLABS_API_KEY`: sent as `xi-api-key`; never leaves the server otherwise. */
  apiKey: string | Secret;
  /**
   * `ELEVENLABS_AGENT_IDS`: the agents browsers may ask for with `agent_id`
   * (required, at least one). Any other `agent_id`, or none, is 400 with no upstream call.
   */
  agentIds: string[];
  /** `ELEVENLABS_BASE_URL`: the API. Default `https://api.elevenlabs.io`. */
  baseUrl?: string;
}
