import { isRecord } from './json-shape';

/**
 * The `exp` claim (seconds since the epoch) of a JWT, read without verifying
 * it: only to learn a lifetime the upstream did not state. Undefined when the
 * token is not a JWT or has no numeric `exp`.
 */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return isRecord(claims) && typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}
