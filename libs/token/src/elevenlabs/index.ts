/**
 * `nestjs-token-broker/elevenlabs`: the ElevenLabs Agents provider (a signed URL per conversation).
 *
 * @example
 * providers: [ElevenLabsTokenProvider.register({ ... })] // in the module that imports TokenModule
 */
export { ElevenLabsTokenProvider, type ElevenLabsSignedUrlReply } from './elevenlabs.provider';
export type { ElevenLabsOptions } from './elevenlabs.options';
