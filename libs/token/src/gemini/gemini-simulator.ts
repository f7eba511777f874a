import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { UpstreamSimulator, type SimulatedCall } from '../testing/upstream-simulator';

/** Options of {@link startGeminiSimulator}. */
export interface GeminiSimulatorOptions {
  apiKey: string;
  /** The stand-in's clock, to check the requested times (pass the app's FakeClock). Default the system clock. */
  clock?: Clock;
}

const TWENTY_HOURS_MS = 20 * 3_600_000;

/**
 * A stand-in Gemini API: `POST /v1alpha/auth_tokens` with `x-goog-api-key`
 * answers a single-use ephemeral token `{ name: "auth_tokens/…" }` and, like
 * the real one, no expiry. Google's answers otherwise: 400 `API_KEY_INVALID`
 * for a wrong key, 400 `INVALID_ARGUMENT` for times in the past, more than
 * 20 h ahead, or a missing model.
 */
export function startGeminiSimulator(options: GeminiSimulatorOptions): Promise<UpstreamSimulator> {
  const clock = options.clock ?? { now: () => Date.now() };
  const simulator = new UpstreamSimulator((call) => {
    if (call.path !== '/v1alpha/auth_tokens') return { status: 404, body: googleError(404, 'NOT_FOUND', 'Method not found.') };
    if (call.headers['x-goog-api-key'] !== options.apiKey) {
      return { status: 400, body: googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.') };
    }
    const problem = checkRequest(call, clock.now());
    if (problem) return { status: 400, body: googleError(400, 'INVALID_ARGUMENT', problem) };
    return { status: 200, body: { name: `auth_tokens/${randomBytes(24).toString('hex')}` } };
  });
  return simulator.start();
}

/** What is wrong with the request, if anything. */
function checkRequest(call: SimulatedCall, now: number): string | undefined {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(call.body || '{}');
  } catch {
    return 'Invalid JSON payload received.';
  }
  if (body.uses !== undefined && (!Number.isInteger(body.uses) || (body.uses as number) < 1)) return 'uses must be positive.';
  const expire = time(body.expireTime, now + 30 * 60_000);
  const newSession = time(body.newSessionExpireTime, now + 60_000);
  if (expire === undefined || newSession === undefined) return 'Invalid value at expire_time or new_session_expire_time.';
  for (const at of [expire, newSession]) {
    if (at <= now || at > now + TWENTY_HOURS_MS) return 'expire_time and new_session_expire_time must lie within the next 20 hours.';
  }
  const setup = body.bidiGenerateContentSetup as { model?: unknown } | undefined;
  if (setup !== undefined && (typeof setup.model !== 'string' || !/^(models|tunedModels)\/./.test(setup.model))) {
    return 'bidi_generate_content_setup.model must be a model resource name.';
  }
  return undefined;
}

function time(value: unknown, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

function googleError(code: number, status: string, message: string): unknown {
  return { error: { code, message, status } };
}
