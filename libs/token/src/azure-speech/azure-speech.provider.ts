import { Secret } from '../secret';
import { ConfiguredTokenProvider } from '../providers/configured-provider';
import { expiresAtOf } from '../providers/provider-kit';
import { RegisterTokenProvider, type IssuedToken, type TokenProvider, type UpstreamGrant } from '../providers/token-provider';
import type { ProviderUpstream } from '../upstream/provider-upstream';
import type { AzureSpeechOptions } from './azure-speech.options';
import { parseAzureSpeechReply } from './azure-speech-reply';

/** The body of an Azure Speech token route: what `SpeechConfig.fromAuthorizationToken(token, region)` takes. */
export interface AzureSpeechTokenReply {
  token: string;
  region: string;
  expiresIn: number;
  /** ISO 8601, server clock, margin applied. */
  expiresAt: string;
}

const ISSUE_TOKEN_PATH = '/sts/v1.0/issueToken';
/** `https://{region}.api.cognitive.microsoft.com` and its sovereign-cloud siblings name their region. */
const REGIONAL_HOST = /^([a-z0-9]+)\.api\.cognitive\./i;

/** Where the token comes from and which region browsers are told, from the options. */
export function azureSpeechTarget(options: AzureSpeechOptions): { tokenUrl: string; region: string } {
  const endpoint = options.endpoint?.replace(/\/+$/, '');
  const region = options.region ?? (endpoint && REGIONAL_HOST.exec(new URL(endpoint).hostname)?.[1]);
  if (!region) {
    throw new Error('TokenModule: azureSpeech needs a region (the Speech SDK takes one with the token): set region, or an endpoint https://{region}.api.cognitive.microsoft.com');
  }
  const base = endpoint ?? `https://${region}.api.cognitive.microsoft.com`;
  return { tokenUrl: base.endsWith(ISSUE_TOKEN_PATH) ? base : `${base}${ISSUE_TOKEN_PATH}`, region: region.toLowerCase() };
}

/**
 * The Azure AI Speech provider: the resource key is exchanged at `issueToken`
 * for a short-lived JWT, which Microsoft advises reusing, so one token is
 * shared by the whole application (one upstream call however many callers).
 *
 * @example
 * providers: [AzureSpeechTokenProvider.register({ key: process.env.AZURE_SPEECH_KEY!, region: 'westeurope' })]
 */
@RegisterTokenProvider()
export class AzureSpeechTokenProvider extends ConfiguredTokenProvider<AzureSpeechOptions> implements TokenProvider {
  readonly name = 'azure-speech';
  readonly scope = 'application';
  private readonly key?: Secret;
  private readonly tokenUrl: string = '';
  private readonly region: string = '';

  constructor(azure: AzureSpeechOptions | undefined) {
    super(azure);
    if (!azure) return;
    this.key = Secret.of(azure.key);
    ({ tokenUrl: this.tokenUrl, region: this.region } = azureSpeechTarget(azure));
  }

  async fetchGrant(upstream: ProviderUpstream): Promise<UpstreamGrant> {
    // An empty POST: the service wants Content-Length: 0 (411 without it).
    const text = await upstream.request({
      url: this.tokenUrl,
      body: '',
      headers: { 'ocp-apim-subscription-key': this.key!.reveal(), 'content-length': '0' },
      reply: 'text',
    });
    return parseAzureSpeechReply(text);
  }

  render(issued: IssuedToken): AzureSpeechTokenReply {
    return {
      token: issued.grant.accessToken,
      region: this.region,
      expiresIn: issued.expiresIn,
      expiresAt: expiresAtOf(issued),
    };
  }
}
