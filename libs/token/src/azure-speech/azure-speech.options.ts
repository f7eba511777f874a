import type { Secret } from '../secret';

/**
 * Settings of the built-in Azure AI Speech provider: one subscription key,
 * exchanged at `issueToken` for a 10-minute JWT that the whole application
 * shares. Give `region`, or `endpoint`, or both.
 */
export interface AzureSpeechOptions {
  /** `AZURE_SPEECH_KEY`: the resource key, sent as `Ocp-Apim-Subscription-Key`; never leaves the server otherwise. */
  key: string | Secret;
  /**
   * `AZURE_SPEECH_REGION`, e.g. `westeurope`: told to browsers (the Speech SDK
   * needs it with the token) and, without `endpoint`, names the token endpoint
   * `https://{region}.api.cognitive.microsoft.com/sts/v1.0/issueToken`.
   */
  region?: string;
  /**
   * `AZURE_SPEECH_ENDPOINT`: the resource endpoint, e.g.
   * `https://my-speech.cognitiveservices.azure.com` (custom domain, private
   * endpoint, sovereign cloud); the token comes from `{endpoint}/sts/v1.0/issueToken`.
   * Without `region`, the region is read from a regional endpoint's host
   * (`https://{region}.api.cognitive.microsoft.com`).
   */
  endpoint?: string;
}
