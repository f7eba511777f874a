import type { Secret } from '../../secret';

/** Settings of the built-in Sentifyd provider. */
export interface SentifydOptions {
  /** `AVATAR_API_KEY`: sent in the login body; never leaves the server otherwise. */
  apiKey: string | Secret;
  /** `SENTIFYD_BACKEND`, e.g. `https://backend.sentifyd.io`. */
  backendUrl: string;
  /** `SENTIFYD_AVATAR_IDS`: the avatar ids browsers may ask for; unset allows any safe id. */
  avatarIds?: string[];
  /** `SENTIFYD_REFRESH_PATH`: a refresh endpoint; unset means a refresh logs in again. */
  refreshPath?: string;
}
