/**
 * `nestjs-token-broker/openai`: the OpenAI Realtime provider (a client secret per request).
 *
 * @example
 * providers: [OpenAITokenProvider.register({ ... })] // in the module that imports TokenModule
 */
export { OpenAITokenProvider, type OpenAIRealtimeTokenReply } from './openai.provider';
export type { OpenAIOptions } from './openai.options';
