import { fakeJwt, UpstreamSimulator } from '../testing/upstream-simulator';

/** Options of {@link startAzureSpeechSimulator}. */
export interface AzureSpeechSimulatorOptions {
  /** The resource key it accepts in `Ocp-Apim-Subscription-Key`. */
  key: string;
  /** Region named in its tokens. Default `westeurope`. */
  region?: string;
}

/**
 * A stand-in Azure AI Speech token service: `POST /sts/v1.0/issueToken` with
 * the right `Ocp-Apim-Subscription-Key` answers a fresh JWT as plain text that
 * lives 10 minutes, as the real one does; a wrong key gets 401, a POST without
 * `Content-Length` 411.
 */
export function startAzureSpeechSimulator(options: AzureSpeechSimulatorOptions): Promise<UpstreamSimulator> {
  const simulator = new UpstreamSimulator((call, n) => {
    if (call.path !== '/sts/v1.0/issueToken') return { status: 404, body: { error: { code: '404', message: 'Resource not found' } } };
    if (call.method !== 'POST') return { status: 405, body: { error: { code: '405', message: 'Method not allowed' } } };
    if (call.headers['content-length'] === undefined) return { status: 411, body: { error: { code: '411', message: 'Length required' } } };
    if (call.headers['ocp-apim-subscription-key'] !== options.key) {
      return { status: 401, body: { error: { code: '401', message: 'Access denied due to invalid subscription key.' } } };
    }
    const now = Math.floor(Date.now() / 1000);
    const token = fakeJwt({ region: options.region ?? 'westeurope', n, iat: now, exp: now + 600 });
    return { status: 200, body: undefined, text: token };
  });
  return simulator.start();
}
