import type { HttpServer } from '@nestjs/common';
import { TokenProblem } from '../errors/token-problem';
import type { RoutePlan } from './route-plan';
import { sendProblem } from './http-exchange';

/** Methods a token route answers (HEAD as GET, as both platforms route it). */
const ANSWERED = new Set(['GET', 'POST', 'OPTIONS', 'HEAD']);
const ALLOW = 'GET, POST, OPTIONS';

const methodNotAllowed = () => new TokenProblem(405, 'method_not_allowed', 'This token route answers GET, POST and OPTIONS only.', { Allow: ALLOW });
const notFound = () => new TokenProblem(404, 'not_found', 'No token route is mounted at this path.');

/**
 * Answers what reaches a token path outside its route handlers: another
 * method is 405 with `Allow`, and a path variant the platform does not route
 * (Fastify: a trailing slash, other case) is a 404; both problem+json with the
 * token headers, never Nest's default 404 that echoes the URL and its query (a
 * refresh handle, say). Other paths of the app are left alone.
 *
 * - Express routes variants itself; a middleware placed before the routes
 *   answers the other methods.
 * - Fastify: a hook answers requests Fastify found no route for
 *   (`request.is404`) when their path is a token path.
 */
export function installTokenPathAnswers(adapter: HttpServer, routeAt: (path: string) => RoutePlan | undefined): void {
  const type = (adapter as { getType?(): string }).getType?.();
  if (type === 'express') {
    adapter.use((request: { method: string; path: string }, response: unknown, next: () => void) => {
      if (ANSWERED.has(request.method) || !routeAt(request.path)) return next();
      sendProblem(response, methodNotAllowed());
    });
  } else if (type === 'fastify') {
    const fastify = adapter.getInstance() as { addHook(name: 'onRequest', hook: FastifyHook): void };
    fastify.addHook('onRequest', (request, reply, done) => {
      if (!request.is404 || !routeAt(request.url)) return done();
      sendProblem(reply, ANSWERED.has(request.method) ? notFound() : methodNotAllowed());
    });
  }
}

type FastifyHook = (request: { is404: boolean; url: string; method: string }, reply: unknown, done: () => void) => void;
