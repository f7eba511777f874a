import type { Secret } from '../secret';

/** How the client authenticates at the token endpoint (RFC 6749 §2.3.1, OpenID Connect's method names). */
export type OAuth2ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

/**
 * Settings of the built-in OAuth 2.0 client-credentials provider (RFC 6749
 * §4.4): one access token for the application, for a `scope` and `audience`
 * fixed here (browsers cannot ask for others).
 */
export interface OAuth2Options {
  /** `OAUTH2_TOKEN_URL`: the authorization server's token endpoint. */
  tokenUrl: string;
  /** `OAUTH2_CLIENT_ID`. */
  clientId: string;
  /** `OAUTH2_CLIENT_SECRET`: sent only to the token endpoint; never leaves the server otherwise. */
  clientSecret: string | Secret;
  /** `OAUTH2_SCOPE`: the `scope` parameter (space-separated), sent when set. */
  scope?: string;
  /** `OAUTH2_AUDIENCE`: the `audience` parameter (Auth0 and others), sent when set. */
  audience?: string;
  /**
   * `OAUTH2_AUTH_METHOD` (`basic` or `post`): the client id and secret in an
   * `Authorization: Basic` header (default, the one RFC 6749 requires servers
   * to support) or as `client_id`/`client_secret` in the form body.
   */
  authMethod?: OAuth2ClientAuthMethod;
}
