/**
 * `nestjs-token-broker/oauth2`: the OAuth 2.0 client-credentials provider (one token shared by the application).
 *
 * @example
 * providers: [OAuth2TokenProvider.register({ ... })] // in the module that imports TokenModule
 */
export { OAuth2TokenProvider, type OAuth2TokenReply } from './oauth2.provider';
export type { OAuth2ClientAuthMethod, OAuth2Options } from './oauth2.options';
