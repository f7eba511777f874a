import { UpstreamError } from '../errors/upstream-error';
import { isRecord, pickString } from '../upstream/json-shape';
import type { UpstreamGrant } from '../providers/token-provider';

/**
 * Reads the reply of `POST /v1/realtime/client_secrets`: `{ value: "ek_…",
 * expires_at: <epoch seconds>, session }`. The epoch is turned into seconds
 * left on the server's clock at receipt (`nowMs`), and never more than the
 * `requestedSeconds` we asked for: an upstream clock running ahead cannot make
 * a secret look longer-lived than it is. No `expires_at`: what we asked for.
 * @throws UpstreamError `invalid` without a `value`, or with an `expires_at`
 *   that is not a number or already past.
 */
export function parseOpenAIReply(body: unknown, nowMs: number, requestedSeconds: number): UpstreamGrant {
  if (!isRecord(body)) throw invalid();
  const value = pickString(body, 'value');
  if (!value) throw invalid();
  if (body.expires_at === undefined || body.expires_at === null) return { accessToken: value, expiresIn: requestedSeconds };
  const expiresAt = body.expires_at;
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) throw invalid();
  const left = expiresAt - nowMs / 1000;
  // A secret that is dead on arrival must not be handed to a browser.
  if (left <= 0) throw invalid();
  return { accessToken: value, expiresIn: Math.min(left, requestedSeconds) };
}

function invalid(): UpstreamError {
  return new UpstreamError('openai', 'invalid');
}
