import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../clock';
import { Secret } from '../../secret';
import { TOKEN_MODULE_OPTIONS } from '../../token.constants';
import type { TokenModuleOptions } from '../../token-module-options';
import { UpstreamClient } from '../../upstream/upstream.client';
import { RegisterTokenProvider, type IssuedToken, type TokenProvider, type UpstreamGrant } from '../token-provider';
import { upstreamUrl } from '../provider-kit';
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
 */
@RegisterTokenProvider()
@Injectable()
export class MisoTokenProvider implements TokenProvider {
  readonly name = 'miso';
  readonly scope = 'application';
  readonly enabled: boolean;
  readonly allowedOrigins?: readonly string[];
  private readonly clientSecret?: Secret;
  private readonly tokenUrl?: string;

  constructor(
    private readonly upstream: UpstreamClient,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(TOKEN_MODULE_OPTIONS) private readonly options: TokenModuleOptions,
  ) {
    const miso = options.miso;
    this.enabled = miso !== undefined;
    this.allowedOrigins = miso?.allowedOrigins;
    this.clientSecret = miso && Secret.of(miso.clientSecret);
    this.tokenUrl = miso && upstreamUrl(miso.controllerUrl, '/api/v1/auth/token');
  }

  async fetchGrant(): Promise<UpstreamGrant> {
    const headers = { 'x-client-id': this.settings.clientId, 'x-client-secret': this.clientSecret!.reveal() };
    const body = await this.upstream.postJson(this.name, this.tokenUrl!, undefined, headers);
    return parseMisoReply(body, this.clock.now());
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
    const clientTokenUri = issued.request.path ?? '';
    // Nearly every request comes to the same host and path as the last: hand out the same frozen config.
    const last = this.lastConfig;
    if (last !== undefined && last.baseUrl === baseUrl && last.clientTokenUri === clientTokenUri) return last;
    return (this.lastConfig = Object.freeze({
      baseUrl,
      controllerUrl: miso.controllerPublicUrl ?? miso.controllerUrl,
      ...(miso.controllerPublicUrl && { controllerPublicUrl: miso.controllerPublicUrl }),
      clientId: miso.clientId,
      clientTokenUri,
    }));
  }

  private lastConfig?: Readonly<MisoClientConfig>;

  private get settings() {
    return this.options.miso!;
  }
}
