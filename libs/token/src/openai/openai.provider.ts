import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../clock';
import { Secret } from '../secret';
import { TOKEN_MODULE_OPTIONS } from '../token.constants';
import type { TokenModuleOptions } from '../token-module-options';
import { UpstreamClient } from '../upstream/upstream.client';
import { RegisterTokenProvider, type IssuedToken, type TokenProvider, type UpstreamGrant } from '../providers/token-provider';
import { parseOpenAIReply } from './openai-reply';
import { expiresAtOf, upstreamUrl } from '../providers/provider-kit';

/** The body of the OpenAI Realtime token route. */
export interface OpenAIRealtimeTokenReply {
  /** The client secret (`ek_…`). */
  token: string;
  expiresIn: number;
  /** ISO 8601. */
  expiresAt: string;
  /** The Realtime model the session is locked to. */
  model: string;
}

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com';
export const OPENAI_DEFAULT_MODEL = 'gpt-realtime';
export const OPENAI_DEFAULT_EXPIRES_AFTER = 600;

/**
 * The OpenAI Realtime provider: a client secret per request (scope `request`),
 * since each carries its session's configuration. Model, voice, instructions
 * and lifetime come from the options only; nothing a browser sends reaches the upstream.
 */
@RegisterTokenProvider()
@Injectable()
export class OpenAITokenProvider implements TokenProvider {
  readonly name = 'openai';
  readonly scope = 'request';
  readonly enabled: boolean;
  private readonly apiKey?: Secret;
  private readonly url: string;
  private readonly model: string;
  private readonly seconds: number;
  /** The request body: the same for every call, so built once. */
  private readonly body?: Readonly<Record<string, unknown>>;

  constructor(
    private readonly upstream: UpstreamClient,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(TOKEN_MODULE_OPTIONS) options: TokenModuleOptions,
  ) {
    const openai = options.openai;
    this.enabled = openai !== undefined;
    this.apiKey = openai && Secret.of(openai.apiKey);
    this.url = upstreamUrl(openai?.baseUrl ?? OPENAI_DEFAULT_BASE_URL, '/v1/realtime/client_secrets');
    this.model = openai?.model || OPENAI_DEFAULT_MODEL;
    this.seconds = openai?.expiresAfterSeconds ?? OPENAI_DEFAULT_EXPIRES_AFTER;
    if (!openai) return;
    if (!Number.isInteger(this.seconds) || this.seconds < 10 || this.seconds > 7200) {
      throw new Error('TokenModule: openai.expiresAfterSeconds must be a whole number from 10 to 7200');
    }
    this.body = {
      expires_after: { anchor: 'created_at', seconds: this.seconds },
      session: {
        type: 'realtime',
        model: this.model,
        ...(openai.voice && { audio: { output: { voice: openai.voice } } }),
        ...(openai.instructions && { instructions: openai.instructions }),
      },
    };
  }

  async fetchGrant(): Promise<UpstreamGrant> {
    const reply = await this.upstream.postJson(this.name, this.url, this.body, { authorization: `Bearer ${this.apiKey!.reveal()}` });
    return parseOpenAIReply(reply, this.clock.now(), this.seconds);
  }

  render(issued: IssuedToken): OpenAIRealtimeTokenReply {
    return { token: issued.grant.accessToken, expiresIn: issued.expiresIn, expiresAt: expiresAtOf(issued), model: this.model };
  }
}
