/**
 * `nestjs-token-broker/deepgram`: the Deepgram provider (an access token per request).
 *
 * @example
 * providers: [DeepgramTokenProvider.register({ ... })] // in the module that imports TokenModule
 */
export { DeepgramTokenProvider, type DeepgramTokenReply } from './deepgram.provider';
export type { DeepgramOptions } from './deepgram.options';
