import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { sendProblem } from './send-problem';
import { TokenProblem } from './token-problem';
import type { TokenRouteOptions } from '../token-module-options';
import { TokenRequestLog } from './token-request-log';

/** Default cap on a JSON body: a refresh request is well under 1 KiB. */
export const DEFAULT_BODY_LIMIT = '8kb';

// The contract's table makes every malformed or oversized input a 400, so these are all 400s.
const BODY_ERRORS: Readonly<Record<string, [number, string, string]>> = {
  'entity.parse.failed': [400, 'invalid_json', 'The request body is not valid JSON.'],
  'entity.too.large': [400, 'body_too_large', 'The request body is too large.'],
  'entity.verify.failed': [400, 'invalid_request', 'The request body was refused.'],
  'request.aborted': [400, 'invalid_request', 'The request body did not arrive whole.'],
  'request.size.invalid': [400, 'invalid_request', 'The request body length does not match its header.'],
  'encoding.unsupported': [400, 'unsupported_encoding', 'The request body encoding is not supported.'],
  'charset.unsupported': [400, 'unsupported_charset', 'The request body charset is not supported.'],
};

/**
 * A JSON body parser whose failures are problem+json like every other token
 * error (Express would answer them with an HTML page). Create the app with
 * `bodyParser: false` and use it instead of Nest's. Pass the mounted `routes`
 * so that a refused request to one of them still gets its log line.
 *
 * @example
 * const app = await NestFactory.create(AppModule, { bodyParser: false });
 * app.use(...tokenBodyParser({ routes: APP_ROUTES }));
 */
export function tokenBodyParser(
  options: { limit?: string | number; routes?: readonly TokenRouteOptions[] } = {},
): [RequestHandler, ErrorRequestHandler] {
  const parse = express.json({ limit: options.limit ?? DEFAULT_BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] });
  const routeAt = routeFinder(options.routes ?? []);
  const onError: ErrorRequestHandler = (error, request, response, next) => {
    const known = BODY_ERRORS[(error as { type?: string }).type ?? ''];
    if (!known) return next(error);
    // Refused before routing, so the route's own log guard never runs: log its line here.
    const route = routeAt(request.path);
    if (route) {
      const log = TokenRequestLog.start(request, request.method);
      log.route = [route.path].flat().join(',');
      log.provider = route.provider;
      log.finish(known[0], known[1]);
    }
    sendProblem(response, new TokenProblem(...known));
  };
  return [parse, onError];
}

/** Finds the mounted route at a request path (trailing slash and case ignored, as Express does). */
function routeFinder(routes: readonly TokenRouteOptions[]): (path: string) => TokenRouteOptions | undefined {
  const byPath = new Map<string, TokenRouteOptions>();
  const normalise = (path: string) => path.replace(/\/+$/, '').toLowerCase() || '/';
  for (const route of routes) for (const path of [route.path].flat()) byPath.set(normalise(path), route);
  return (path) => byPath.get(normalise(path));
}
