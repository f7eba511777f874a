import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import { UpstreamSimulator, type SimulatedCall } from '../testing/upstream-simulator';

/** Options of {@link startOpenAISimulator}. */
export interface OpenAISimulatorOptions {
  apiKey: string;
  /** The stand-in's clock, for `expires_at` (pass the app's FakeClock to compare). Default the system clock. */
  clock?: Clock;
  /** Seconds `expires_at` lies ahead, instead of the `expires_after.seconds` asked for. */
  expiresIn?: number;
}

/**
 * A stand-in OpenAI: `POST /v1/realtime/client_secrets` with
 * `Authorization: Bearer <key>` and a valid session answers a fresh client
 * secret `{ value: "ek_…", expires_at, session }`; a wrong key gets 401, a
 * malformed request 400, as OpenAI does.
 */
export function startOpenAISimulator(options: OpenAISimulatorOptions): Promise<UpstreamSimulator> {
  const clock = options.clock ?? { now: () => Date.now() };
  const simulator = new UpstreamSimulator((call) => {
    if (call.path !== '/v1/realtime/client_secrets') return { status: 404, body: openAIError('Not found', 'invalid_request_error') };
    if (call.headers.authorization !== `Bearer ${options.apiKey}`) {
      return { status: 401, body: openAIError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key') };
    }
    const request = readRequest(call);
    if (typeof request === 'string') return { status: 400, body: openAIError(request, 'invalid_request_error') };
    const createdAt = Math.floor(clock.now() / 1000);
    const id = randomBytes(12).toString('hex');
    return {
      status: 200,
      body: {
        value: `ek_${randomBytes(16).toString('hex')}`,
        expires_at: createdAt + (options.expiresIn ?? request.seconds),
        session: { ...request.session, object: 'realtime.session', id: `sess_${id}` },
      },
    };
  });
  return simulator.start();
}

/** The checked request, or what is wrong with it. */
function readRequest(call: SimulatedCall): { seconds: number; session: Record<string, unknown> } | string {
  let body: { expires_after?: { anchor?: unknown; seconds?: unknown }; session?: Record<string, unknown> };
  try {
    body = JSON.parse(call.body || '{}');
  } catch {
    return 'We could not parse the JSON body of your request.';
  }
  const session = body.session;
  if (typeof session !== 'object' || session === null || session.type !== 'realtime') return "Missing required parameter: 'session.type'.";
  if (session.model !== undefined && typeof session.model !== 'string') return "Invalid type for 'session.model'.";
  const after = body.expires_after;
  if (after === undefined) return { seconds: 600, session };
  if (after.anchor !== 'created_at') return "Invalid value for 'expires_after.anchor'.";
  const seconds = after.seconds ?? 600;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 10 || seconds > 7200) {
    return "Invalid 'expires_after.seconds': must be between 10 and 7200.";
  }
  return { seconds, session };
}

function openAIError(message: string, type: string, code: string | null = null): unknown {
  return { error: { message, type, param: null, code } };
}
