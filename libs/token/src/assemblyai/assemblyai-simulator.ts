import { fakeJwt, UpstreamSimulator } from '../testing/upstream-simulator';

/** Options of {@link startAssemblyAISimulator}. */
export interface AssemblyAISimulatorOptions {
  apiKey: string;
  /** `expires_in_seconds` to state; `null` states none. Default: the `expires_in_seconds` asked for, as AssemblyAI does. */
  expiresIn?: number | null;
}

/**
 * A stand-in AssemblyAI streaming API: `GET /v3/token?expires_in_seconds=N`
 * (1 to 600; `max_session_duration_seconds` 60 to 10800 when given) with the
 * raw API key in `Authorization` answers `{ token, expires_in_seconds }`, a
 * fresh token each call. A wrong key is 401; a bad query is 422.
 */
export function startAssemblyAISimulator(options: AssemblyAISimulatorOptions): Promise<UpstreamSimulator> {
  const simulator = new UpstreamSimulator((call, n) => {
    const url = new URL(call.path, 'http://simulator');
    if (url.pathname !== '/v3/token') return { status: 404, body: { error: 'Not found' } };
    if (call.method !== 'GET') return { status: 405, body: { error: 'Method not allowed' } };
    if (call.headers.authorization !== options.apiKey) return { status: 401, body: { error: 'Invalid API key' } };
    const asked = whole(url.searchParams.get('expires_in_seconds'));
    if (asked === undefined || asked < 1 || asked > 600) return { status: 422, body: { error: 'expires_in_seconds must be from 1 to 600' } };
    const session = url.searchParams.get('max_session_duration_seconds');
    const duration = session === null ? 10_800 : whole(session);
    if (duration === undefined || duration < 60 || duration > 10_800) {
      return { status: 422, body: { error: 'max_session_duration_seconds must be from 60 to 10800' } };
    }
    const expiresIn = options.expiresIn === undefined ? asked : options.expiresIn;
    const token = fakeJwt({ n, exp: Math.floor(Date.now() / 1000) + (expiresIn ?? asked), max_session_duration_seconds: duration });
    return { status: 200, body: { token, ...(expiresIn !== null && { expires_in_seconds: expiresIn }) } };
  });
  return simulator.start();
}

function whole(value: string | null): number | undefined {
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}
