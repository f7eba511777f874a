import { Secret } from '../secret';
import { ConfiguredTokenProvider } from '../providers/configured-provider';
import { expiresAtOf, upstreamUrl, wholeInRange } from '../providers/provider-kit';
import { RegisterTokenProvider, type IssuedToken, type TokenProvider, type UpstreamGrant } from '../providers/token-provider';
import type { ProviderUpstream } from '../upstream/provider-upstream';
import type { GeminiOptions } from './gemini.options';
import { parseGeminiReply } from './gemini-reply';

/** The body of the Gemini Live token route. */
export interface GeminiLiveTokenReply {
  /** The token's resource name (`auth_tokens/…`): the browser's `access_token`. */
  token: string;
  /** Seconds left to open the Live session. */
  expiresIn: number;
  /** ISO 8601. */
  expiresAt: string;
  /** The model the token is locked to, as the Live API names it (`models/…`): the `model` of the session's setup message. */
  model: string;
}

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';
export const GEMINI_DEFAULT_NEW_SESSION_SECONDS = 60;
export const GEMINI_DEFAULT_EXPIRE_SECONDS = 1800;
/** Both times must lie less than 20 hours ahead. */
const MAX_SECONDS = 20 * 3600 - 1;

/**
 * The Gemini Live provider: one ephemeral token per request (scope `request`:
 * `uses: 1`), locked to the configured model. Both lifetimes are set here, on
 * the server's clock; nothing a browser sends reaches the upstream.
 *
 * @example
 * providers: [GeminiTokenProvider.register({ apiKey: process.env.GEMINI_API_KEY!, model: 'gemini-live-2.5-flash-preview' })]
 */
@RegisterTokenProvider()
export class GeminiTokenProvider extends ConfiguredTokenProvider<GeminiOptions> implements TokenProvider {
  readonly name = 'gemini';
  readonly scope = 'request';
  private readonly apiKey?: Secret;
  private readonly url: string;
  private readonly model: string;
  private readonly newSessionSeconds: number;
  private readonly expireSeconds: number;

  constructor(gemini: GeminiOptions | undefined) {
    super(gemini);
    this.apiKey = gemini && Secret.of(gemini.apiKey);
    this.url = upstreamUrl(gemini?.baseUrl ?? GEMINI_DEFAULT_BASE_URL, '/v1alpha/auth_tokens');
    this.model = gemini ? modelResource(gemini.model) : '';
    this.newSessionSeconds = gemini?.newSessionSeconds ?? GEMINI_DEFAULT_NEW_SESSION_SECONDS;
    this.expireSeconds = gemini?.expireSeconds ?? GEMINI_DEFAULT_EXPIRE_SECONDS;
    if (!gemini) return;
    // Both under 20 hours; the token must outlive the window for opening a session.
    wholeInRange('gemini.newSessionSeconds', this.newSessionSeconds, 1, MAX_SECONDS, 'seconds');
    wholeInRange('gemini.expireSeconds', this.expireSeconds, this.newSessionSeconds, MAX_SECONDS, 'seconds');
  }

  async fetchGrant(upstream: ProviderUpstream): Promise<UpstreamGrant> {
    const now = upstream.now();
    const body = {
      uses: 1,
      expireTime: new Date(now + this.expireSeconds * 1000).toISOString(),
      newSessionExpireTime: new Date(now + this.newSessionSeconds * 1000).toISOString(),
      bidiGenerateContentSetup: { model: this.model },
    };
    const reply = await upstream.postJson(this.url, body, { 'x-goog-api-key': this.apiKey!.reveal() });
    return parseGeminiReply(reply, this.newSessionSeconds);
  }

  render(issued: IssuedToken): GeminiLiveTokenReply {
    return { token: issued.grant.accessToken, expiresIn: issued.expiresIn, expiresAt: expiresAtOf(issued), model: this.model };
  }
}

/** `models/<name>`, as Google's own SDK sends it; a full resource name is kept. */
function modelResource(model: string): string {
  const name = model.trim();
  if (!name) throw new Error('TokenModule: gemini.model is required');
  return name.startsWith('models/') || name.startsWith('tunedModels/') ? name : `models/${name}`;
}
