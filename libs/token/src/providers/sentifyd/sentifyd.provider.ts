import { TokenProblem } from '../../errors/token-problem';
import { Secret } from '../../secret';
import type { ProviderUpstream } from '../../upstream/provider-upstream';
import { ConfiguredTokenProvider } from '../configured-provider';
import { RegisterTokenProvider, type IssuedToken, type TokenProvider, type TokenRequest, type UpstreamGrant } from '../token-provider';
import type { SentifydOptions } from './sentifyd.options';
import { parseSentifydReply } from './sentifyd-reply';

/** The body of a Sentifyd token route, as `<sentifyd-bot>` expects it. */
export interface SentifydTokenReply {
  tokens: { accessToken: string; refreshToken: string; expiresIn: number };
  avatarParameters: unknown;
}

const SAFE_AVATAR_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/**
 * The Sentifyd provider: API-key login for avatar tokens, shared per avatar
 * (as Sentifyd's own server plugin caches them). Browsers get an opaque refresh
 * handle; Sentifyd's refresh token, if any, stays on the server.
 *
 * @example
 * providers: [SentifydTokenProvider.register({ apiKey, backendUrl: 'https://api.sentifyd.example' })]
 */
@RegisterTokenProvider()
export class SentifydTokenProvider extends ConfiguredTokenProvider<SentifydOptions> implements TokenProvider {
  readonly name = 'sentifyd';
  readonly scope = 'audience';
  readonly audienceParam = 'avatar_id';
  readonly issuesRefreshHandles = true;
  /**
   * Present only with `refreshPath`. Without one, a browser's `?refreshToken=`
   * answers the avatar's current grant while it has more than its refresh-ahead
   * window left, else the library logs in again (the cache's rule: refresh means fresher).
   */
  readonly refreshGrant?: (upstream: ProviderUpstream, refreshToken: string, request: TokenRequest) => Promise<UpstreamGrant>;
  private readonly apiKey?: Secret;
  private readonly avatarIds?: ReadonlySet<string>;
  private readonly backend: string;

  constructor(sentifyd: SentifydOptions | undefined) {
    super(sentifyd);
    this.apiKey = sentifyd && Secret.of(sentifyd.apiKey);
    this.avatarIds = sentifyd?.avatarIds?.length ? new Set(sentifyd.avatarIds) : undefined;
    this.backend = sentifyd?.backendUrl.replace(/\/+$/, '') ?? '';
    const path = sentifyd?.refreshPath;
    if (path) {
      const url = `${this.backend}${path.startsWith('/') ? path : `/${path}`}`;
      this.refreshGrant = async (upstream, refreshToken) => parseSentifydReply(await upstream.postJson(url, { refresh_token: refreshToken }));
    }
  }

  checkAudience(avatarId: string | undefined): string | undefined {
    // With an allow-list, no avatar_id never lets the upstream pick one: the one allowed id, else 400.
    if (avatarId === undefined && this.avatarIds?.size === 1) return this.avatarIds.values().next().value;
    if (avatarId === undefined && this.avatarIds) throw new TokenProblem(400, 'invalid_avatar_id', 'avatar_id is required: this service serves several avatars.');
    if (avatarId === undefined) return undefined;
    const allowed = this.avatarIds ? this.avatarIds.has(avatarId) : SAFE_AVATAR_ID.test(avatarId);
    if (!allowed) throw new TokenProblem(400, 'invalid_avatar_id', 'avatar_id is not one this service serves.');
    return avatarId;
  }

  async fetchGrant(upstream: ProviderUpstream, request: TokenRequest): Promise<UpstreamGrant> {
    const body: Record<string, string> = { avatar_api_key: this.apiKey!.reveal() };
    if (request.audience !== undefined) body.avatar_id = request.audience;
    return parseSentifydReply(await upstream.postJson(`${this.backend}/api/login`, body));
  }

  render(issued: IssuedToken): SentifydTokenReply {
    return {
      tokens: { accessToken: issued.grant.accessToken, refreshToken: issued.refreshHandle!, expiresIn: issued.expiresIn },
      avatarParameters: issued.grant.extras?.avatarParameters ?? {},
    };
  }
}
