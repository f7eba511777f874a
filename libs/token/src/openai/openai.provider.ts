import { Secret } from '../secret';
import { ConfiguredTokenProvider } from '../providers/configured-provider';
import { expiresAtOf, upstreamUrl, wholeInRange } from '../providers/provider-kit';
import { RegisterTokenProvider, type IssuedToken, type TokenProvider, type UpstreamGrant } from '../providers/token-provider';
import type { ProviderUpstream } from '../upstream/provider-upstream';
import type { OpenAIOptions } from './openai.options';
import { parseOpenAIReply } from './openai-reply';

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
 *
 * @example
 * providers: [OpenAITokenProvider.register({ apiKey: process.env.OPENAI_API_KEY!, voice: 'marin' })]
 */
@RegisterTokenProvider()
export class OpenAITokenProvider extends ConfiguredTokenProvider<OpenAIOptions> implements TokenProvider {
  readonly name = 'openai';
  readonly scope = 'request';
  private readonly apiKey?: Secret;
  private readonly url: string;
  private readonly model: string;
  private readonly seconds: number;
  /** The request body: the same for every call, so built once. */
  private readonly body?: Readonly<Record<string, unknown>>;

  constructor(openai: OpenAIOptions | undefined) {
    super(openai);
    this.apiKey = openai && Secret.of(openai.apiKey);
    this.url = upstreamUrl(openai?.baseUrl ?? OPENAI_DEFAULT_BASE_URL, '/v1/realtime/client_secrets');
    this.model = openai?.model || OPENAI_DEFAULT_MODEL;
    this.seconds = openai?.expiresAfterSeconds ?? OPENAI_DEFAULT_EXPIRES_AFTER;
    if (!openai) return;
    wholeInRange('openai.expiresAfterSeconds', this.seconds, 10, 7200);
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

  async fetchGrant(upstream: ProviderUpstream): Promise<UpstreamGrant> {
    const reply = await upstream.postJson(this.url, this.body, { authorization: `Bearer ${this.apiKey!.reveal()}` });
    return parseOpenAIReply(reply, upstream.now(), this.seconds);
  }

  render(issued: IssuedToken): OpenAIRealtimeTokenReply {
    return { token: issued.grant.accessToken, expiresIn: issued.expiresIn, expiresAt: expiresAtOf(issued), model: this.model };
  }
}
