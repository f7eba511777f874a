import { Secret } from '../secret';
import { ConfiguredTokenProvider } from '../providers/configured-provider';
import { expiresAtOf, upstreamUrl, wholeInRange } from '../providers/provider-kit';
import { RegisterTokenProvider, type IssuedToken, type TokenProvider, type UpstreamGrant } from '../providers/token-provider';
import type { ProviderUpstream } from '../upstream/provider-upstream';
import type { AssemblyAIOptions } from './assemblyai.options';
import { parseAssemblyAIReply } from './assemblyai-reply';

/** The body of an AssemblyAI token route. */
export interface AssemblyAITokenReply {
  /** The temporary streaming token: the browser appends `&token=<token>` to its WebSocket URL. */
  token: string;
  expiresIn: number;
  /** ISO 8601. */
  expiresAt: string;
}

/** AssemblyAI's streaming API. */
export const ASSEMBLYAI_DEFAULT_BASE_URL = 'https://streaming.assemblyai.com';
/** `expires_in_seconds` asked for when none is configured: the browser connects right after fetching. */
export const ASSEMBLYAI_DEFAULT_EXPIRES_IN = 60;

/**
 * The AssemblyAI provider: a temporary token for one streaming (v3) session.
 * The token is one-time use, so each caller gets its own upstream call
 * (`request` scope): never cached, never shared. Lifetimes come from the
 * options only; nothing a browser sends changes the upstream call.
 *
 * @example
 * providers: [AssemblyAITokenProvider.register({ apiKey: process.env.ASSEMBLYAI_API_KEY! })]
 */
@RegisterTokenProvider()
export class AssemblyAITokenProvider extends ConfiguredTokenProvider<AssemblyAIOptions> implements TokenProvider {
  readonly name = 'assemblyai';
  readonly scope = 'request';
  private readonly apiKey?: Secret;
  private readonly tokenUrl?: string;
  private readonly expiresInSeconds: number;

  constructor(assemblyai: AssemblyAIOptions | undefined) {
    super(assemblyai);
    this.expiresInSeconds = assemblyai?.expiresInSeconds ?? ASSEMBLYAI_DEFAULT_EXPIRES_IN;
    if (!assemblyai) return;
    wholeInRange('assemblyai.expiresInSeconds', this.expiresInSeconds, 1, 600, 'seconds');
    const query = new URLSearchParams({ expires_in_seconds: String(this.expiresInSeconds) });
    if (assemblyai.maxSessionDurationSeconds !== undefined) {
      wholeInRange('assemblyai.maxSessionDurationSeconds', assemblyai.maxSessionDurationSeconds, 60, 10_800, 'seconds');
      query.set('max_session_duration_seconds', String(assemblyai.maxSessionDurationSeconds));
    }
    this.apiKey = Secret.of(assemblyai.apiKey);
    this.tokenUrl = upstreamUrl(assemblyai.baseUrl ?? ASSEMBLYAI_DEFAULT_BASE_URL, '/v3/token') + `?${query}`;
  }

  async fetchGrant(upstream: ProviderUpstream): Promise<UpstreamGrant> {
    const body = await upstream.request({ method: 'GET', url: this.tokenUrl!, headers: { authorization: this.apiKey!.reveal() } });
    return parseAssemblyAIReply(body, this.expiresInSeconds);
  }

  render(issued: IssuedToken): AssemblyAITokenReply {
    return { token: issued.grant.accessToken, expiresIn: issued.expiresIn, expiresAt: expiresAtOf(issued) };
  }
}
