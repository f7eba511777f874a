import type { Clock } from '../clock';
import { fakeJwt, UpstreamSimulator } from '../testing/upstream-simulator';

/** Options of {@link startDeepgramSimulator}. */
export interface DeepgramSimulatorOptions {
  apiKey: string;
  /** The stand-in's clock, for the JWT's `exp`. Default the system clock. */
  clock?: Clock;
  /** `expires_in` to state instead of the `ttl_seconds` asked for; `null` states none. */
  expiresIn?: number | null;
}

/**
 * A stand-in Deepgram: `POST /v1/auth/grant` with `Authorization: Token <key>`
 * answers `{ access_token: <JWT>, expires_in }` living the `ttl_seconds` asked
 * for (default 30, as Deepgram's); a wrong key gets 401, a `ttl_seconds`
 * outside 1 to 3600 gets 400.
 */
export function startDeepgramSimulator(options: DeepgramSimulatorOptions): Promise<UpstreamSimulator> {
  const clock = options.clock ?? { now: () => Date.now() };
  const simulator = new UpstreamSimulator((call, n) => {
    if (call.path !== '/v1/auth/grant') return { status: 404, body: { err_code: 'NOT_FOUND', err_msg: 'Not found.' } };
    if (call.headers.authorization !== `Token ${options.apiKey}`) {
      return { status: 401, body: { err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.' } };
    }
    let body: { ttl_seconds?: unknown };
    try {
      body = JSON.parse(call.body || '{}');
    } catch {
      return { status: 400, body: { err_code: 'BAD_REQUEST', err_msg: 'Invalid JSON.' } };
    }
    const ttl = body.ttl_seconds ?? 30;
    if (typeof ttl !== 'number' || ttl < 1 || ttl > 3600) return { status: 400, body: { err_code: 'BAD_REQUEST', err_msg: 'ttl_seconds must be from 1 to 3600.' } };
    const lifetime = options.expiresIn ?? ttl;
    const accessToken = fakeJwt({ sub: 'deepgram-sim', n, exp: Math.floor(clock.now() / 1000) + lifetime });
    return { status: 200, body: { access_token: accessToken, ...(options.expiresIn !== null && { expires_in: lifetime }) } };
  });
  return simulator.start();
}
