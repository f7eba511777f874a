import { SANDBOX_ELEVENLABS_AGENT } from './sandbox';

const SIGNED_IN_ROUTES = [
  '/request_tokens',
  '/api/openai/realtime-token',
  '/api/gemini/live-token',
  '/api/deepgram/token',
  '/api/assemblyai/token',
  `/api/elevenlabs/signed-url?agent_id=${SANDBOX_ELEVENLABS_AGENT}`,
  '/api/azure-speech/token',
  '/api/oauth2/token',
];

/**
 * The sandbox's start-up banner: one log entry that says loudly what runs,
 * holds the demo bearer once (signed with a secret made at start-up, valid
 * for this process only) and ready `curl` lines that use it by name.
 */
export function sandboxBanner(url: string, demoBearer: string): string {
  return [
    'SANDBOX MODE (SANDBOX=1): stand-ins for every provider run on loopback; nothing here is real. Unset SANDBOX and set a provider\'s variables for real upstreams.',
    `  Demo page: ${url}/`,
    `  Demo bearer (this process only): export DEMO_BEARER='${demoBearer}'`,
    `  Try: curl -s ${url}/api/client-token`,
    ...SIGNED_IN_ROUTES.map((path) => `  Try: curl -s -H "Authorization: Bearer $DEMO_BEARER" "${url}${path}"`),
  ].join('\n');
}
