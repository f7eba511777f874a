import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { startMisoSimulator, startSentifydSimulator, type UpstreamSimulator } from 'nestjs-token-broker/testing';
import {
  startAssemblyAISimulator,
  startAzureSpeechSimulator,
  startDeepgramSimulator,
  startElevenLabsSimulator,
  startGeminiSimulator,
  startOAuth2Simulator,
  startOpenAISimulator,
} from 'nestjs-token-broker/testing';
import { EnvError } from '../config/env-error';
import { sandboxRequested } from '../config/env.sandbox';

/** The one agent the ElevenLabs stand-in serves: `?agent_id=sandbox-agent`. */
export const SANDBOX_ELEVENLABS_AGENT = 'sandbox-agent';

/** A running sandbox: the environment to start the app with, and what to tell the user. */
export interface Sandbox {
  env: Record<string, string | undefined>;
  /** A signed-in user's bearer token for the Sentifyd route. */
  demoBearer: string;
  close(): Promise<void>;
}

/**
 * Starts stand-ins for every provider on loopback when, and only when, the
 * environment says `SANDBOX=1` (`npm start` does). Refuses (an `EnvError`)
 * beside `NODE_ENV=production`, a provider, the operator's sign-in secrets or
 * any Redis variable (see `sandboxRequested`). Its demo bearer is signed with
 * a secret made here, used by nothing else, and the app it feeds keeps its
 * store in memory.
 */
export async function startSandbox(env: Record<string, string | undefined>): Promise<Sandbox | undefined> {
  if (!sandboxRequested(env)) return undefined;
  const clientSecret = randomBytes(24).toString('base64url');
  const apiKey = randomBytes(24).toString('base64url');
  const jwtSecret = randomBytes(32).toString('hex');
  const expiresIn = sandboxTokenTtl(env.SANDBOX_TOKEN_TTL_SECONDS);
  const simulators: UpstreamSimulator[] = [
    await startMisoSimulator({ clientId: 'sandbox-app', clientSecret, expiresIn }),
    await startSentifydSimulator({ apiKey, expiresIn }),
  ];
  const [miso, sentifyd] = simulators;
  const assemblyaiKey = randomBytes(24).toString('base64url');
  const assemblyai = await startAssemblyAISimulator({ apiKey: assemblyaiKey });
  const elevenlabsKey = randomBytes(24).toString('base64url');
  const elevenlabs = await startElevenLabsSimulator({ apiKey: elevenlabsKey, agentIds: [SANDBOX_ELEVENLABS_AGENT] });
  simulators.push(assemblyai, elevenlabs);
  const azureSpeechKey = randomBytes(24).toString('base64url');
  const azureSpeech = await startAzureSpeechSimulator({ key: azureSpeechKey, region: 'sandbox' });
  simulators.push(azureSpeech);
  const oauth2Secret = randomBytes(24).toString('base64url');
  const oauth2 = await startOAuth2Simulator({ clientId: 'sandbox-app', clientSecret: oauth2Secret, expiresIn });
  simulators.push(oauth2);
  const [openaiKey, geminiKey, deepgramKey] = [0, 1, 2].map(() => randomBytes(24).toString('base64url'));
  const openai = await startOpenAISimulator({ apiKey: openaiKey });
  const gemini = await startGeminiSimulator({ apiKey: geminiKey });
  const deepgram = await startDeepgramSimulator({ apiKey: deepgramKey });
  simulators.push(openai, gemini, deepgram);
  // Signed with jose, the library the app verifies with; iat is required by the app's checks.
  const demoBearer = await new SignJWT({ sub: 'demo-user' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('12h')
    .sign(Buffer.from(jwtSecret));
  // SANDBOX itself stays behind: the app is started with stand-ins as its providers, which SANDBOX=1 would refuse.
  const { SANDBOX: _sandbox, ...rest } = env;
  return {
    env: {
      ...rest,
      MISO_CLIENTID: 'sandbox-app',
      MISO_CLIENTSECRET: clientSecret,
      MISO_CONTROLLER_URL: miso.url,
      AVATAR_API_KEY: apiKey,
      SENTIFYD_BACKEND: sentifyd.url,
      ASSEMBLYAI_API_KEY: assemblyaiKey,
      ASSEMBLYAI_BASE_URL: assemblyai.url,
      ELEVENLABS_API_KEY: elevenlabsKey,
      ELEVENLABS_AGENT_IDS: SANDBOX_ELEVENLABS_AGENT,
      ELEVENLABS_BASE_URL: elevenlabs.url,
      OPENAI_API_KEY: openaiKey,
      OPENAI_BASE_URL: openai.url,
      GEMINI_API_KEY: geminiKey,
      GEMINI_LIVE_MODEL: env.GEMINI_LIVE_MODEL || 'gemini-live-2.5-flash-preview',
      GEMINI_BASE_URL: gemini.url,
      DEEPGRAM_API_KEY: deepgramKey,
      DEEPGRAM_BASE_URL: deepgram.url,
      AUTH_JWT_SECRET: jwtSecret,
      AZURE_SPEECH_KEY: azureSpeechKey,
      AZURE_SPEECH_REGION: 'sandbox',
      AZURE_SPEECH_ENDPOINT: azureSpeech.url,
      OAUTH2_TOKEN_URL: `${oauth2.url}/oauth/token`,
      OAUTH2_CLIENT_ID: 'sandbox-app',
      OAUTH2_CLIENT_SECRET: oauth2Secret,
    },
    demoBearer,
    close: async () => {
      await Promise.all(simulators.map((s) => s.close()));
    },
  };
}

/**
 * `SANDBOX_TOKEN_TTL_SECONDS`: how long the stand-ins' tokens live, so refreshes
 * can be watched (the demo page, the browser specs). Unset: the providers'
 * usual 30 min (Miso) and 1 h (Sentifyd). Only the sandbox reads it.
 */
function sandboxTokenTtl(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 5 || Number(value) > 86_400) {
    throw new EnvError('SANDBOX_TOKEN_TTL_SECONDS', 'must be a whole number of seconds from 5 to 86400');
  }
  return Number(value);
}
