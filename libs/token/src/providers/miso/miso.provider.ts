import { Secret } from '../../secret';
import type { ProviderUpstream } from '../../upstream/provider-upstream';
import { ConfiguredTokenProvider } from '../configured-provider';
import { RegisterTokenProvider, type IssuedToken, type TokenProvider, type UpstreamGrant } from '../token-provider';
import { upstreamUrl } from '../provider-kit';
import type { MisoOptions } from './miso.options';
import { parseMisoReply } from './miso-reply';

/** The body of a Miso token route. */
export interface MisoTokenReply {
  token: string;
  expiresIn: number;
  config?: MisoClientConfig;
}

/** DataClient configuration sent with the token (`includeConfig`). */
export interface MisoClientConfig {
  baseUrl: string;
  controllerUrl: string;
  controllerPublicUrl?: string;
  clientId: string;
  clientTokenUri: string;
}

/**
 * The Miso controller provider: client credentials (in headers) for the
 * app-wide client token, shared by every caller (application scope).
 *
 * @example
 * providers: [MisoTokenProvider.register({ clientId, clientSecret, controllerUrl: 'https://miso.example' })]
 */
@RegisterTokenProvider()
export class MisoTokenProvider extends ConfiguredTokenProvider<MisoOptions> implements TokenProvider {
  readonly name = 'miso';
  readonly scope = 'application';
  readonly allowedOrigins?: readonly string[];
  private readonly clientSecret?: Secret;
  private readonly tokenUrl?: string;

  constructor(private readonly miso: MisoOptions | undefined) {
    super(miso);
    this.allowedOrigins = miso?.allowedOrigins;
    this.clientSecret = miso && Secret.of(miso.clientSecret);
    this.tokenUrl = miso && upstreamUrl(miso.controllerUrl, '/api/v1/auth/token');
  }

  async fetchGrant(upstream: ProviderUpstream): Promise<UpstreamGrant> {
    const headers = { 'x-client-id': this.settings.clientId, 'x-client-secret': this.clientSecret!.reveal() };
    const body = await upstream.postJson(this.tokenUrl!, undefined, headers);
    return parseMisoReply(body, upstream.now());
  }

  render(issued: IssuedToken): MisoTokenReply {
    const miso = this.settings;
    const expiresIn = Math.min(issued.expiresIn, miso.maxExpiresIn ?? 1800);
    if (miso.includeConfig === false) return { token: issued.grant.accessToken, expiresIn };
    return { token: issued.grant.accessToken, expiresIn, config: this.config(issued) };
  }

  /** The DataClient config; override to add fields. */
  protected config(issued: IssuedToken): MisoClientConfig {
    const miso = this.settings;
    const baseUrl = miso.baseUrl ?? issued.request.baseUrl ?? '';
    // A new object per answer (about 20 ns): no cache of the last one, which saved less than the bench can see.
    return {
      baseUrl,
      controllerUrl: miso.controllerPublicUrl ?? miso.controllerUrl,
      ...(miso.controllerPublicUrl && { controllerPublicUrl: miso.controllerPublicUrl }),
      clientId: miso.clientId,
      clientTokenUri: issued.request.path ?? '',
    };
  }

  private get settings() {
    return this.miso!;
  }
}
