import { Secret } from '../secret';
import { ConfiguredTokenProvider } from '../providers/configured-provider';
import { expiresAtOf, upstreamUrl, wholeInRange } from '../providers/provider-kit';
import { RegisterTokenProvider, type IssuedToken, type TokenProvider, type UpstreamGrant } from '../providers/token-provider';
import type { ProviderUpstream } from '../upstream/provider-upstream';
import type { DeepgramOptions } from './deepgram.options';
import { parseDeepgramReply } from './deepgram-reply';

/** The body of the Deepgram token route. */
export interface DeepgramTokenReply {
  /** The access token (a JWT). */
  token: string;
  expiresIn: number;
  /** ISO 8601. */
  expiresAt: string;
}

export const DEEPGRAM_DEFAULT_BASE_URL = 'https://api.deepgram.com';
export const DEEPGRAM_DEFAULT_TTL = 300;

/**
 * The Deepgram provider: one access token per request (scope `request`), with
 * the lifetime set here; nothing a browser sends reaches the upstream.
 *
 * @example
 * providers: [DeepgramTokenProvider.register({ apiKey: process.env.DEEPGRAM_API_KEY!, ttlSeconds: 60 })]
 */
@RegisterTokenProvider()
export class DeepgramTokenProvider extends ConfiguredTokenProvider<DeepgramOptions> implements TokenProvider {
  readonly name = 'deepgram';
  readonly scope = 'request';
  private readonly apiKey?: Secret;
  private readonly url: string;
  private readonly ttl: number;

  constructor(deepgram: DeepgramOptions | undefined) {
    super(deepgram);
    this.apiKey = deepgram && Secret.of(deepgram.apiKey);
    this.url = upstreamUrl(deepgram?.baseUrl ?? DEEPGRAM_DEFAULT_BASE_URL, '/v1/auth/grant');
    this.ttl = deepgram?.ttlSeconds ?? DEEPGRAM_DEFAULT_TTL;
    if (deepgram) wholeInRange('deepgram.ttlSeconds', this.ttl, 1, 3600);
  }

  async fetchGrant(upstream: ProviderUpstream): Promise<UpstreamGrant> {
    const reply = await upstream.postJson(this.url, { ttl_seconds: this.ttl }, { authorization: `Token ${this.apiKey!.reveal()}` });
    return parseDeepgramReply(reply, this.ttl);
  }

  render(issued: IssuedToken): DeepgramTokenReply {
    return { token: issued.grant.accessToken, expiresIn: issued.expiresIn, expiresAt: expiresAtOf(issued) };
  }
}
