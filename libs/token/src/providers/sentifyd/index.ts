/**
 * `nestjs-token-broker/sentifyd`: the Sentifyd provider (avatar tokens, shared per avatar, with refresh handles).
 *
 * @example
 * providers: [SentifydTokenProvider.register({ apiKey, backendUrl })] // in the module that imports TokenModule
 */
export { SentifydTokenProvider, type SentifydTokenReply } from './sentifyd.provider';
export type { SentifydOptions } from './sentifyd.options';
