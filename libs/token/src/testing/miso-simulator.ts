import { fakeJwt, UpstreamSimulator } from './upstream-simulator';

/** Options of {@link startMisoSimulator}. */
export interface MisoSimulatorOptions {
  clientId: string;
  clientSecret: string;
  /** Lifetime the controller states; `null` states none (exercise the JWT `exp` fallback). Default 1800. */
  expiresIn?: number | null;
  /** Answer the flat `{ token, expiresIn }` of older controllers. */
  flat?: boolean;
}

/**
 * A stand-in Miso controller: `POST /api/v1/auth/token` with `x-client-id` and
 * `x-client-secret` answers a fresh client token; wrong credentials get 401.
 */
export function startMisoSimulator(options: MisoSimulatorOptions): Promise<UpstreamSimulator> {
  const simulator = new UpstreamSimulator((call, n) => {
    if (call.path !== '/api/v1/auth/token') return { status: 404, body: { error: 'not_found' } };
    const { 'x-client-id': id, 'x-client-secret': secret } = call.headers;
    if (id !== options.clientId || secret !== options.clientSecret) return { status: 401, body: { error: 'invalid_client' } };
    const expiresIn = options.expiresIn === undefined ? 1800 : options.expiresIn;
    const lifetime = expiresIn ?? 900;
    const token = fakeJwt({ sub: options.clientId, n, exp: Math.floor(Date.now() / 1000) + lifetime });
    const data = { token, ...(expiresIn !== null && { expiresIn, expiresAt: new Date(Date.now() + lifetime * 1000).toISOString() }) };
    return { status: 201, body: options.flat ? data : { success: true, data } };
  });
  return simulator.start();
}
