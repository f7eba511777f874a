import type { HttpServer } from '@nestjs/common';
import { bodyProblem } from './body/body-rules';
import { originNotAllowed, type TokenProblem } from '../errors/token-problem';
import type { TokenMetrics } from '../metrics/token-metrics';
import type { TokenSettings } from '../token-settings';
import { emptyBodyExcuses, emptyBodyPreParsing, forgetBody, type PreParsing } from './body/empty-body';
import { sendProblem, type HttpRequestLike } from './http-exchange';
import { routeFinder, type RoutePlan } from './route-plan';
import { installTokenPathAnswers } from './token-path-answers';
import { installDecodedBodies } from './body/decoded-body';
import { enforceRequestDeadlines } from './request-deadlines';
import { TokenRequestLog, type TokenRequestSinks } from './token-request-log';

/**
 * Makes body errors on the token routes, and only there, problem+json with
 * the token headers and one request log line. The app's body parser stays
 * as the app set it: its other routes answer as before.
 *
 * - Express: an error handler placed right after Nest's body parser; it
 *   answers errors of requests to token routes and passes all others on.
 * - Fastify: the token routes get the body limit and an error handler of
 *   their own as Fastify registers them (`onRoute`); other errors go on to
 *   the app's handler.
 *
 * Called from the module's `configure`, after the body parser and before the
 * routes are registered.
 */
export function installTokenRouteHooks(
  adapter: HttpServer | undefined,
  routes: readonly RoutePlan[],
  settings: TokenSettings,
  metrics?: TokenMetrics,
): void {
  if (!adapter || routes.length === 0) return;
  const routeAt = routeFinder(routes);
  const sinks: TokenRequestSinks = { log: settings.logRequests, metrics: metrics?.enabled ? metrics : undefined };
  // The guard's origin rule, before the body is read: a foreign origin gets its 403, never a 400 about a body nobody should have read.
  const foreign = (request: HttpRequestLike, route: RoutePlan) => (request.method === 'OPTIONS' || route.allowsOrigin(request) ? undefined : originNotAllowed());
  const refuse = (request: HttpRequestLike, route: RoutePlan, reply: unknown, problem: TokenProblem) => {
    logRefused(request, route, problem.getStatus(), problem.code, sinks);
    sendProblem(reply, problem);
  };
  /** Answers a foreign origin's 403 at once, before its body is read; true when it did. */
  const refuseForeign = (request: HttpRequestLike, route: RoutePlan, reply: unknown) => {
    const refused = foreign(request, route);
    if (refused) refuse(request, route, reply, refused);
    return refused !== undefined;
  };
  const type = (adapter as { getType?(): string }).getType?.();
  if (type === 'express') {
    (adapter as unknown as { use(handler: ExpressErrorHandler): void }).use((error: unknown, request: HttpRequestLike & { path: string }, response: unknown, next: (error: unknown) => void) => {
      const route = routeAt(request.path);
      const problem = route && bodyProblem(error);
      if (!problem) return next(error);
      // Parsed by the app's own parser (an empty body): the origin still comes first.
      if (refuseForeign(request, route, response)) return;
      void Promise.resolve(emptyBodyExcuses(error, request as never)).then((empty) => {
        if (!empty) return refuse(request, route, response, problem);
        forgetBody(request as never);
        next(undefined); // no body after all: on to the route, read as a GET
      });
    });
  } else if (type === 'fastify') {
    const fastify = adapter.getInstance() as { addHook(name: 'onRoute', hook: (route: FastifyRoute) => void): void };
    fastify.addHook('onRoute', (options: FastifyRoute) => {
      const route = routeAt(options.url);
      if (!route) return;
      options.bodyLimit = settings.bodyLimitBytes;
      // Routes with a body only (Nest registers one Fastify route per method): the GET hot path runs no hook.
      if (![options.method].flat().every((method) => method === 'GET' || method === 'HEAD')) {
        options.preParsing = [options.preParsing ?? []].flat().concat(
          emptyBodyPreParsing((request, reply) => refuseForeign(request, route, reply)),
        );
      }
      options.errorHandler = (error, request, reply) => {
        const problem = bodyProblem(error);
        if (!problem) throw error;
        refuse(request, route, reply, problem);
      };
    });
  }
  // After the hooks above: the origin check and the empty-body peek come before any decoding.
  installTokenPathAnswers(adapter, routeAt);
  installDecodedBodies(adapter, routeAt, settings.bodyLimitBytes, refuseForeign);
  const server = adapter.getHttpServer?.();
  if (server) enforceRequestDeadlines(server, { headersMs: false, bodyMs: settings.bodyTimeoutMs }, (request) => routeAt(request.url ?? '/') !== undefined);
}

type ExpressErrorHandler = (error: unknown, request: HttpRequestLike & { path: string }, response: unknown, next: (error: unknown) => void) => void;

interface FastifyRoute {
  url: string;
  method: string | string[];
  bodyLimit?: number;
  preParsing?: PreParsing | PreParsing[];
  errorHandler?: (error: unknown, request: HttpRequestLike, reply: unknown) => void;
}

/** Refused before routing, so the route's guard never started its log line: log and count it here. */
function logRefused(request: HttpRequestLike, route: RoutePlan, status: number, code: string, sinks: TokenRequestSinks): void {
  if (!sinks.log && !sinks.metrics) return;
  const log = TokenRequestLog.start(request, request.method, sinks);
  log.route = route.pathOf(request.url);
  log.provider = route.providerName;
  log.finish(status, code);
}
