/**
 * `nestjs-token-broker/assemblyai`: the AssemblyAI provider (a one-time streaming token per request).
 *
 * @example
 * providers: [AssemblyAITokenProvider.register({ ... })] // in the module that imports TokenModule
 */
export { AssemblyAITokenProvider, type AssemblyAITokenReply } from './assemblyai.provider';
export type { AssemblyAIOptions } from './assemblyai.options';
