import type { UpstreamFailure } from '../errors/upstream-error';
import { isFiniteNumber, isRecord } from '../upstream/json-shape';
import type { CachedGrant } from './cached-grant';

/** What a failed upstream call leaves in the store for a second, so waiters do not each retry: fixed words only. */
export interface FailureMemo {
  /** Provider name. */
  readonly p: string;
  /** How the call failed. */
  readonly f: UpstreamFailure;
}

const FAILURES: ReadonlySet<string> = new Set<UpstreamFailure>(['rejected', 'failed', 'invalid', 'unavailable', 'circuit_open', 'timeout']);

/** A failure memo as written: a provider name and a failure kind we know; anything else is no memo. */
export function isFailureMemo(body: unknown): body is FailureMemo {
  return isRecord(body) && typeof body.p === 'string' && /^[a-z0-9][a-z0-9-]{0,39}$/.test(body.p) && typeof body.f === 'string' && FAILURES.has(body.f);
}

/** A grant as written: a token, numeric deadlines, and optional refresh token and extras. */
export function isCachedGrant(body: unknown): body is CachedGrant {
  return (
    isRecord(body) &&
    typeof body.accessToken === 'string' &&
    isFiniteNumber(body.expiresAt) &&
    isFiniteNumber(body.refreshAt) &&
    (body.refreshToken === undefined || typeof body.refreshToken === 'string') &&
    (body.extras === undefined || isRecord(body.extras))
  );
}
