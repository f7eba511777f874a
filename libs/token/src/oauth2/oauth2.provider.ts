import { Secret } from '../secret';
import { ConfiguredTokenProvider } from '../providers/configured-provider';
import { expiresAtOf } from '../providers/provider-kit';
import { RegisterTokenProvider, type IssuedToken, type TokenProvider, type UpstreamGrant } from '../providers/token-provider';
import type { ProviderUpstream } from '../upstream/provider-upstream';
import type { OAuth2Options } from './oauth2.options';
import { parseOAuth2Reply } from './oauth2-reply';

/** The body of an OAuth2 token route: the browser sends `Authorization: ${tokenType} ${token}`. */
export interface OAuth2TokenReply {
  token: string;
  tokenType: string;
  expiresIn: number;
  /** ISO 8601, server clock, margin applied. */
  expiresAt: string;
}

/** `application/x-www-form-urlencoded` encoding of one value. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * The client-credentials token request (RFC 6749 §4.4.2): the form body and,
 * for `client_secret_basic`, the `Authorization` header, whose id and secret
 * are form-encoded before base64 as §2.3.1 says. Reveals the secret: call it
 * only to send the request.
 */
export function oauth2TokenRequest(options: OAuth2Options): { body: string; headers: Record<string, string> } {
  const secret = Secret.of(options.clientSecret).reveal();
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (options.scope) form.set('scope', options.scope);
  if (options.audience) form.set('audience', options.audience);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.authMethod === 'client_secret_post') {
    form.set('client_id', options.clientId);
    form.set('client_secret', secret);
  } else {
    headers.authorization = `Basic ${Buffer.from(`${formEncode(options.clientId)}:${formEncode(secret)}`).toString('base64')}`;
  }
  return { body: form.toString(), headers };
}

/**
 * The OAuth 2.0 client-credentials provider (RFC 6749 §4.4): the client id
 * and secret are exchanged at the token endpoint for an access token, with a
 * scope and audience from configuration only, shared by the whole application.
 *
 * @example
 * providers: [OAuth2TokenProvider.register({ tokenUrl: 'https://as.example/oauth/token', clientId, clientSecret, scope: 'read' })]
 */
@RegisterTokenProvider()
export class OAuth2TokenProvider extends ConfiguredTokenProvider<OAuth2Options> implements TokenProvider {
  readonly name = 'oauth2';
  readonly scope = 'application';
  private readonly settings?: OAuth2Options;

  constructor(oauth2: OAuth2Options | undefined) {
    super(oauth2);
    // The secret held as a Secret from here on, whatever the options gave.
    this.settings = oauth2 && { ...oauth2, clientSecret: Secret.of(oauth2.clientSecret) };
  }

  async fetchGrant(upstream: ProviderUpstream): Promise<UpstreamGrant> {
    const { body, headers } = oauth2TokenRequest(this.settings!);
    const reply = await upstream.request({ url: this.settings!.tokenUrl, body, headers });
    return parseOAuth2Reply(reply, upstream.now());
  }

  render(issued: IssuedToken): OAuth2TokenReply {
    return {
      token: issued.grant.accessToken,
      tokenType: String(issued.grant.extras?.tokenType ?? 'Bearer'),
      expiresIn: issued.expiresIn,
      expiresAt: expiresAtOf(issued),
    };
  }
}
