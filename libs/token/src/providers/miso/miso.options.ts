import type { Secret } from '../../secret';

/** Settings of the built-in Miso controller provider. */
export interface MisoOptions {
  /** `MISO_CLIENTID`, sent as `x-client-id` and shown to browsers in `config.clientId`. */
  clientId: string;
  /** `MISO_CLIENTSECRET`, sent as `x-client-secret`; never leaves the server otherwise. */
  clientSecret: string | Secret;
  /** `MISO_CONTROLLER_URL`: where the token is fetched. */
  controllerUrl: string;
  /** `MISO_WEB_SERVER_URL`: the controller URL browsers use, when it differs. */
  controllerPublicUrl?: string;
  /** Send `config` with the token (DataClient setup). Default true. */
  includeConfig?: boolean;
  /** Cap on the `expiresIn` browsers are told. Default 1800 s. */
  maxExpiresIn?: number;
  /** `MISO_ALLOWED_ORIGINS`: origins allowed on Miso routes; empty allows any. */
  allowedOrigins?: string[];
  /** `config.baseUrl`; default the scheme and host the request came to. */
  baseUrl?: string;
}
