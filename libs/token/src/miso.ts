/**
 * `nestjs-token-broker/miso`: the Miso controller provider (the app-wide client token).
 *
 * @example
 * providers: [MisoTokenProvider.register({ clientId, clientSecret, controllerUrl })] // in the module that imports TokenModule
 */
export { MisoTokenProvider, type MisoClientConfig, type MisoTokenReply } from './providers/miso/miso.provider';
export type { MisoOptions } from './providers/miso/miso.options';
