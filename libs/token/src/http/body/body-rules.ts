import { TokenProblem } from '../../errors/token-problem';
import type { HttpRequestLike } from '../http-exchange';

/**
 * The body rules of the token routes, in one place (the files beside this one
 * apply them on each platform, installed by `token-route-hooks.ts`):
 *
 * - an empty body is no body, whatever its Content-Type (`empty-body.ts`);
 * - at most `bodyLimitBytes` decoded bytes (`decoded-body.ts` and Fastify's
 *   route `bodyLimit` while reading; {@link checkedBody} by the declared length);
 * - `identity`, `gzip` or `deflate` content coding, else 415 (`decoded-body.ts`);
 * - UTF-8 only, else 415 (Express's body-parser while reading; {@link checkedBody});
 * - what a parser refuses is answered as {@link bodyProblem} says.
 */

const TOO_LARGE: [number, string, string] = [400, 'body_too_large', 'The request body is too large.'];
const BAD_CHARSET: [number, string, string] = [415, 'unsupported_charset', 'The request body charset is not supported.'];

/** body-parser's error types (Express) with a code of their own; Fastify's FST_ERR_CTP_* codes map by status. */
const BY_TYPE: Readonly<Record<string, [number, string, string]>> = {
  'entity.too.large': TOO_LARGE,
  'entity.parse.failed': [400, 'invalid_json', 'The request body is not valid JSON.'],
  'charset.unsupported': BAD_CHARSET,
  'encoding.unsupported': [415, 'unsupported_encoding', 'The request body encoding is not supported.'],
};

/**
 * The parsed body of a token POST, within `limitBytes` and in UTF-8. The
 * platform's parser read it already; its declared length tells the size
 * (both platforms also count while reading), and its `charset` parameter is
 * checked here for the parsers that do not (Fastify's).
 */
export function checkedBody(request: HttpRequestLike, limitBytes: number): unknown {
  if (Number(request.headers['content-length'] ?? 0) > limitBytes) throw new TokenProblem(...TOO_LARGE);
  const charset = /;\s*charset=("?)([^";\s]+)\1/i.exec(request.headers['content-type'] ?? '')?.[2].toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new TokenProblem(...BAD_CHARSET);
  return request.body;
}

/**
 * What the platforms' body parsers throw, as the problem a token route
 * answers: 400 for a body too large (the contract's "oversized input"),
 * unreadable or not JSON, 415 for a type, charset or encoding we do not take.
 * Express's body-parser names its errors by `type` (a broken gzip body
 * carries zlib's error, given a 400), Fastify's by `code`. Anything that is
 * not a 4xx of the body's way in is not ours to answer: undefined.
 */
export function bodyProblem(error: unknown): TokenProblem | undefined {
  const { type, code, status, statusCode, name } = (error ?? {}) as { type?: unknown; code?: unknown; status?: unknown; statusCode?: unknown; name?: unknown };
  const known = typeof type === 'string' ? BY_TYPE[type] : undefined;
  if (known) return new TokenProblem(...known);
  const httpStatus = Number(status ?? statusCode);
  // Compared by name: errors may come from another realm (a test runner's VM), where instanceof fails.
  if (name === 'SyntaxError' || code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new TokenProblem(400, 'invalid_json', 'The request body is not valid JSON.');
  if (!(httpStatus >= 400 && httpStatus < 500)) return undefined;
  if (httpStatus === 413) return new TokenProblem(...TOO_LARGE);
  if (httpStatus === 415) return new TokenProblem(415, 'unsupported_media_type', 'The request body type or encoding is not supported.');
  return new TokenProblem(400, 'invalid_body', 'The request body could not be read.');
}
