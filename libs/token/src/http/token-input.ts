import { TokenProblem } from '../errors/token-problem';

/** What a token request carries, read and checked. */
export interface TokenInput {
  /** A refresh handle: present means "refresh". */
  readonly refreshToken?: string;
  /** The audience parameter's value (Sentifyd: `avatar_id`). */
  readonly audience?: string;
}

/** Longest refresh token accepted; our handles are 43 characters. */
export const MAX_REFRESH_TOKEN_LENGTH = 256;
const REFRESH_TOKEN = /^[A-Za-z0-9._~-]+$/;
const MAX_AUDIENCE_LENGTH = 128;

/**
 * Reads `refreshToken` and the audience parameter from the query string or,
 * on POST, a JSON body. Each must be one string (a repeated or structured
 * value is 400), bounded in length, in the expected alphabet; the two places
 * may not disagree. Other parameters are ignored.
 */
export function readTokenInput(
  query: Record<string, unknown>,
  body: unknown,
  audienceParam: string | undefined,
): TokenInput {
  const json = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const refreshToken = one('refreshToken', query, json, MAX_REFRESH_TOKEN_LENGTH);
  if (refreshToken !== undefined && !REFRESH_TOKEN.test(refreshToken)) throw invalid('refreshToken has characters a refresh token never has.');
  const audience = audienceParam === undefined ? undefined : one(audienceParam, query, json, MAX_AUDIENCE_LENGTH);
  return refreshToken === undefined && audience === undefined ? NONE : { refreshToken, audience };
}

const NONE: TokenInput = Object.freeze({});

function one(name: string, query: Record<string, unknown>, body: Record<string, unknown>, maxLength: number): string | undefined {
  const fromQuery = single(name, Object.hasOwn(query, name) ? query[name] : undefined, maxLength);
  const fromBody = single(name, Object.hasOwn(body, name) ? body[name] : undefined, maxLength);
  if (fromQuery !== undefined && fromBody !== undefined && fromQuery !== fromBody) {
    throw invalid(`${name} is given twice with different values.`);
  }
  return fromQuery ?? fromBody;
}

function single(name: string, value: unknown, maxLength: number): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be given once, as a string.`);
  if (value.length > maxLength) throw invalid(`${name} is too long.`);
  return value;
}

function invalid(detail: string): TokenProblem {
  return new TokenProblem(400, 'invalid_request', detail);
}
