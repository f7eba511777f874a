import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { TokenProblem } from '../errors/token-problem';
import { TOKEN_HEADERS } from './token-headers';

/**
 * What the library reads of a request: the members Express and Fastify
 * requests share, so one code path serves both platforms.
 */
export interface HttpRequestLike {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** Parsed query string (both platforms parse it before routing). */
  readonly query?: unknown;
  /** Parsed body, when the platform parsed one. */
  readonly body?: unknown;
  /** Client address; honours `trust proxy` (Express) and `trustProxy` (Fastify). */
  readonly ip?: string;
  /** `http` or `https`; honours the same proxy settings. */
  readonly protocol?: string;
}

/** A Fastify reply: it wraps Node's response in `raw`. Express's response is Node's own. */
interface FastifyReplyLike {
  readonly raw: ServerResponse;
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(body: string): unknown;
}

function isFastifyReply(reply: unknown): reply is FastifyReplyLike {
  return typeof (reply as FastifyReplyLike).code === 'function' && typeof (reply as FastifyReplyLike).raw === 'object';
}

/**
 * Sets a header on an Express response or a Fastify reply. Written on Node's
 * response, which both platforms merge into the headers they send.
 */
export function setHeader(reply: unknown, name: string, value: string): void {
  (isFastifyReply(reply) ? reply.raw : (reply as ServerResponse)).setHeader(name, value);
}

/**
 * Writes `problem` as `application/problem+json` with {@link TOKEN_HEADERS}:
 * the one writer of error bodies, on either platform.
 */
export function sendProblem(reply: unknown, problem: TokenProblem): void {
  const headers = { ...problem.headers, ...TOKEN_HEADERS, 'Content-Type': 'application/problem+json' };
  const body = JSON.stringify(problem.toBody());
  if (isFastifyReply(reply)) {
    reply.code(problem.getStatus()).headers(headers).send(body);
    return;
  }
  const response = reply as ServerResponse;
  response.statusCode = problem.getStatus();
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.end(body);
}
