/**
 * `nestjs-token-broker/sentifyd`: the Sentifyd provider (avatar tokens, shared per avatar, with refresh handles).
 *
 * @example
 * providers: [SentifydTokenProvider.register({ apiKey, backendUrl })] // in the module that imports TokenModule
 */
export { SentifydTokenProvider, type SentifydTokenReply } from './providers/sentifyd/sentifyd.provider';
export type { SentifydOptions } from './providers/sentifyd/sentifyd.options';
