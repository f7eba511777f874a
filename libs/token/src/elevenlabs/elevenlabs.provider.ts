import { TokenProblem } from '../errors/token-problem';
import { Secret } from '../secret';
import { ConfiguredTokenProvider } from '../providers/configured-provider';
import { expiresAtOf, upstreamUrl } from '../providers/provider-kit';
import { RegisterTokenProvider, type IssuedToken, type TokenProvider, type TokenRequest, type UpstreamGrant } from '../providers/token-provider';
import type { ProviderUpstream } from '../upstream/provider-upstream';
import type { ElevenLabsOptions } from './elevenlabs.options';
import { parseElevenLabsReply } from './elevenlabs-reply';

/** The body of an ElevenLabs signed-URL route. */
export interface ElevenLabsSignedUrlReply {
  /** The `wss://` URL the browser opens (or hands to the SDK's `startSession({ signedUrl })`); it carries the credential. */
  signedUrl: string;
  expiresIn: number;
  /** ISO 8601. */
  expiresAt: string;
}

/** ElevenLabs' API. */
export const ELEVENLABS_DEFAULT_BASE_URL = 'https://api.elevenlabs.io';

/**
 * The ElevenLabs Agents provider: a signed URL that starts one conversation
 * with an agent. ElevenLabs recommends one per session, so each caller gets
 * its own upstream call (`request` scope). The agent is the audience
 * (`agent_id`), and must be in the configured allow-list: anything else, or
 * none, is 400 before any upstream call.
 *
 * @example
 * providers: [ElevenLabsTokenProvider.register({ apiKey: process.env.ELEVENLABS_API_KEY!, agentIds: ['agent_123'] })]
 */
@RegisterTokenProvider()
export class ElevenLabsTokenProvider extends ConfiguredTokenProvider<ElevenLabsOptions> implements TokenProvider {
  readonly name = 'elevenlabs';
  readonly scope = 'request';
  readonly audienceParam = 'agent_id';
  private readonly apiKey?: Secret;
  private readonly agentIds: ReadonlySet<string>;
  private readonly endpoint: string;

  constructor(elevenlabs: ElevenLabsOptions | undefined) {
    super(elevenlabs);
    this.agentIds = new Set(elevenlabs?.agentIds ?? []);
    if (elevenlabs && this.agentIds.size === 0) {
      throw new Error('TokenModule: elevenlabs.agentIds must list at least one agent id: browsers may only start conversations with agents you allow');
    }
    this.apiKey = elevenlabs && Secret.of(elevenlabs.apiKey);
    this.endpoint = upstreamUrl(elevenlabs?.baseUrl ?? ELEVENLABS_DEFAULT_BASE_URL, '/v1/convai/conversation/get-signed-url');
  }

  checkAudience(agentId: string | undefined): string {
    if (agentId === undefined) throw new TokenProblem(400, 'invalid_agent_id', 'agent_id is required.');
    if (!this.agentIds.has(agentId)) throw new TokenProblem(400, 'invalid_agent_id', 'agent_id is not one this service serves.');
    return agentId;
  }

  async fetchGrant(upstream: ProviderUpstream, request: TokenRequest): Promise<UpstreamGrant> {
    // Checked again here: a caller that reaches the provider directly gets no unlisted agent either.
    const url = `${this.endpoint}?${new URLSearchParams({ agent_id: this.checkAudience(request.audience) })}`;
    const body = await upstream.request({ method: 'GET', url, headers: { 'xi-api-key': this.apiKey!.reveal() } });
    return parseElevenLabsReply(body);
  }

  render(issued: IssuedToken): ElevenLabsSignedUrlReply {
    return { signedUrl: issued.grant.accessToken, expiresIn: issued.expiresIn, expiresAt: expiresAtOf(issued) };
  }
}
