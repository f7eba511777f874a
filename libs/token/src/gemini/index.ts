/**
 * `nestjs-token-broker/gemini`: the Gemini Live provider (an ephemeral token per request).
 *
 * @example
 * providers: [GeminiTokenProvider.register({ ... })] // in the module that imports TokenModule
 */
export { GeminiTokenProvider, type GeminiLiveTokenReply } from './gemini.provider';
export type { GeminiOptions } from './gemini.options';
