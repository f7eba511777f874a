import { fakeJwt, UpstreamSimulator } from '../testing/upstream-simulator';

/** Options of {@link startOAuth2Simulator}. */
export interface OAuth2SimulatorOptions {
  clientId: string;
  clientSecret: string;
  /** Path of its token endpoint. Default `/oauth/token`. */
  path?: string;
  /** `expires_in` to state; `null` states none (the JWT `exp` fallback). Default 3600. */
  expiresIn?: number | null;
}

/**
 * A stand-in OAuth 2.0 authorization server's token endpoint (RFC 6749 §4.4):
 * `POST {path}` with a form body `grant_type=client_credentials` and the
 * client authenticated by `Authorization: Basic` (id and secret form-encoded,
 * §2.3.1) or by `client_id`/`client_secret` in the body (never both) answers
 * `{ access_token, token_type, expires_in, scope? }`; errors as in §5.2.
 */
export function startOAuth2Simulator(options: OAuth2SimulatorOptions): Promise<UpstreamSimulator> {
  const path = options.path ?? '/oauth/token';
  const error = (status: number, code: string) => ({ status, body: { error: code } });
  const simulator = new UpstreamSimulator((call, n) => {
    if (call.path !== path) return error(404, 'not_found');
    if (call.method !== 'POST') return error(405, 'invalid_request');
    if (!/^application\/x-www-form-urlencoded\b/.test(call.headers['content-type'] ?? '')) return error(400, 'invalid_request');
    const form = new URLSearchParams(call.body);
    const client = credentials(call.headers.authorization, form);
    if (!client) return error(400, 'invalid_request');
    if (client.id !== options.clientId || client.secret !== options.clientSecret) return error(401, 'invalid_client');
    if (form.get('grant_type') !== 'client_credentials') return error(400, 'unsupported_grant_type');
    const expiresIn = options.expiresIn === undefined ? 3600 : options.expiresIn;
    const now = Math.floor(Date.now() / 1000);
    const scope = form.get('scope') ?? undefined;
    const audience = form.get('audience') ?? undefined;
    const token = fakeJwt({ sub: client.id, scope, aud: audience, n, iat: now, exp: now + (expiresIn ?? 900) });
    return { status: 200, body: { access_token: token, token_type: 'Bearer', ...(expiresIn !== null && { expires_in: expiresIn }), ...(scope && { scope }) } };
  });
  return simulator.start();
}

/** The client's id and secret, from exactly one of the Basic header and the form body. */
function credentials(header: string | undefined, form: URLSearchParams): { id: string; secret: string } | undefined {
  const inBody = form.has('client_id') || form.has('client_secret');
  if (header !== undefined) {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
    if (!match || inBody) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  }
  const id = form.get('client_id');
  const secret = form.get('client_secret');
  return id !== null && secret !== null ? { id, secret } : undefined;
}
