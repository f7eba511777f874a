import { Inject, Injectable } from '@nestjs/common';
import { Secret } from '../secret';
import { TOKEN_MODULE_OPTIONS } from '../token.constants';
import type { TokenModuleOptions } from '../token-module-options';
import { UpstreamClient } from '../upstream/upstream.client';
import { RegisterTokenProvider, type IssuedToken, type TokenProvider, type UpstreamGrant } from '../providers/token-provider';
import { parseDeepgramReply } from './deepgram-reply';
import { expiresAtOf, upstreamUrl } from '../providers/provider-kit';

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
 */
@RegisterTokenProvider()
@Injectable()
export class DeepgramTokenProvider implements TokenProvider {
  readonly name = 'deepgram';
  readonly scope = 'request';
  readonly enabled: boolean;
  private readonly apiKey?: Secret;
  private readonly url: string;
  private readonly ttl: number;

  constructor(
    private readonly upstream: UpstreamClient,
    @Inject(TOKEN_MODULE_OPTIONS) options: TokenModuleOptions,
  ) {
    const deepgram = options.deepgram;
    this.enabled = deepgram !== undefined;
    this.apiKey = deepgram && Secret.of(deepgram.apiKey);
    this.url = upstreamUrl(deepgram?.baseUrl ?? DEEPGRAM_DEFAULT_BASE_URL, '/v1/auth/grant');
    this.ttl = deepgram?.ttlSeconds ?? DEEPGRAM_DEFAULT_TTL;
    if (deepgram && (!Number.isInteger(this.ttl) || this.ttl < 1 || this.ttl > 3600)) {
      throw new Error('TokenModule: deepgram.ttlSeconds must be a whole number from 1 to 3600');
    }
  }

  async fetchGrant(): Promise<UpstreamGrant> {
    const reply = await this.upstream.postJson(this.name, this.url, { ttl_seconds: this.ttl }, { authorization: `Token ${this.apiKey!.reveal()}` });
    return parseDeepgramReply(reply, this.ttl);
  }

  render(issued: IssuedToken): DeepgramTokenReply {
    return { token: issued.grant.accessToken, expiresIn: issued.expiresIn, expiresAt: expiresAtOf(issued) };
  }
}
