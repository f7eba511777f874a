/**
 * `nestjs-token-broker/azure-speech`: the Azure AI Speech provider (one token shared by the application).
 *
 * @example
 * providers: [AzureSpeechTokenProvider.register({ ... })] // in the module that imports TokenModule
 */
export { AzureSpeechTokenProvider, type AzureSpeechTokenReply } from './azure-speech.provider';
export type { AzureSpeechOptions } from './azure-speech.options';
