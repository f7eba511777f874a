import { randomBytes } from 'node:crypto';
import { UpstreamSimulator } from './upstream-simulator';

/** Options of {@link startSentifydSimulator}. */
export interface SentifydSimulatorOptions {
  apiKey: string;
  /** `expires_in` to state; `null` states none (the 60 s default applies). Default 3600. */
  expiresIn?: number | null;
  /** Answer flat camelCase (`accessToken`, ...) instead of `{ data: { access_token, ... } }`. */
  camelCase?: boolean;
}

/** The stand-in Sentifyd backend, with what tests inspect or change. */
export type SentifydSimulator = UpstreamSimulator & {
  /** Refresh tokens it issued and that are still good. */
  issuedRefreshTokens: Set<string>;
  /** Avatar ids whose logins fail with 500 (while the mode is `ok`): one broken avatar among healthy ones. */
  brokenAvatarIds: Set<string>;
};

/**
 * A stand-in Sentifyd backend: `POST /api/login` with the API key answers
 * avatar tokens; `POST /api/refresh` takes a refresh token it issued.
 * Refresh tokens it issued are kept in {@link issuedRefreshTokens} so tests can
 * check that none ever reaches a browser.
 */
export async function startSentifydSimulator(options: SentifydSimulatorOptions): Promise<SentifydSimulator> {
  const issued = new Set<string>();
  const broken = new Set<string>();
  const simulator: UpstreamSimulator = new UpstreamSimulator((call, n) => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(call.body || '{}');
    } catch {
      return { status: 400, body: { error: 'bad_json' } };
    }
    if (call.path === '/api/login') {
      if (body.avatar_api_key !== options.apiKey) return { status: 401, body: { error: 'invalid_api_key' } };
      if (typeof body.avatar_id === 'string' && broken.has(body.avatar_id)) return { status: 500, body: { error: simulator.errorBody } };
    } else if (call.path === '/api/refresh') {
      if (typeof body.refresh_token !== 'string' || !issued.has(body.refresh_token)) return { status: 401, body: { error: 'invalid_grant' } };
      issued.delete(body.refresh_token); // single use, like the refresh tokens that broke other BFFs
    } else {
      return { status: 404, body: { error: 'not_found' } };
    }
    const refreshToken = `sentifyd-rt-${randomBytes(12).toString('hex')}`;
    issued.add(refreshToken);
    const avatarId = typeof body.avatar_id === 'string' ? body.avatar_id : 'default';
    const expiresIn = options.expiresIn === undefined ? 3600 : options.expiresIn;
    const accessToken = `sentifyd-at-${n}-${randomBytes(8).toString('hex')}`;
    const avatarParameters = { avatarId, theme: 'light', voice: 'alloy', language: 'en' };
    if (options.camelCase) {
      return { status: 200, body: { accessToken, refreshToken, avatarParameters, ...(expiresIn !== null && { expiresIn }) } };
    }
    return {
      status: 200,
      body: { data: { access_token: accessToken, refresh_token: refreshToken, avatar_params: avatarParameters, ...(expiresIn !== null && { expires_in: expiresIn }) } },
    };
  });
  await simulator.start();
  return Object.assign(simulator, { issuedRefreshTokens: issued, brokenAvatarIds: broken });
}
