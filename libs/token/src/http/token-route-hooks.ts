import type { HttpServer } from '@nestjs/common';
import { bodyProblem } from '../errors/body-errors';
import type { TokenProblem } from '../errors/token-problem';
import type { TokenMetrics } from '../metrics/token-metrics';
import type { TokenRouteOptions } from '../token-module-options';
import type { TokenSettings } from '../token-settings';
import { emptyBodyExcuses, emptyBodyPreParsing, forgetBody, type PreParsing } from './empty-body';
import { sendProblem, type HttpRequestLike } from './http-exchange';
import { originFirst, type RouteOrigins } from './origin-first';
import { installTokenPathAnswers } from './token-path-answers';
import { installDecodedBodies } from './decoded-body';
import { enforceRequestDeadlines } from './request-deadlines';
import { TokenRequestLog, type TokenRequestSinks } from './token-request-log';

type RouteAt = (path: string) => TokenRouteOptions | undefined;

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
  routes: readonly TokenRouteOptions[],
  settings: TokenSettings,
  metrics?: TokenMetrics,
  originsOf: RouteOrigins = (route) => route.allowedOrigins,
): void {
  if (!adapter || routes.length === 0) return;
  const routeAt = routeFinder(routes);
  const sinks: TokenRequestSinks = { log: settings.logRequests, metrics: metrics?.enabled ? metrics : undefined };
  const foreign = originFirst(originsOf);
  const refuse = (request: HttpRequestLike, route: TokenRouteOptions, reply: unknown, problem: TokenProblem) => {
    logRefused(request, route, problem.getStatus(), problem.code, sinks);
    sendProblem(reply, problem);
  };
  const type = (adapter as { getType?(): string }).getType?.();
  if (type === 'express') {
    (adapter as unknown as { use(handler: ExpressErrorHandler): void }).use((error: unknown, request: HttpRequestLike & { path: string }, response: unknown, next: (error: unknown) => void) => {
      const route = routeAt(request.path);
      const problem = route && bodyProblem(error);
      if (!problem) return next(error);
      const refused = foreign(request, route);
      if (refused) return refuse(request, route, response, refused);
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
          emptyBodyPreParsing((request, reply) => {
            const refused = foreign(request, route);
            if (refused) refuse(request, route, reply, refused);
            return refused !== undefined;
          }),
        );
      }
      options.errorHandler = (error, request, reply) => {
        const problem = bodyProblem(error);
        if (!problem) throw error;
        refuse(request, route, reply, problem);
      };
    });
  }  // After the hooks above: the origin check and the empty-body peek come before any decoding.
  installTokenPathAnswers(adapter, routeAt);
  installDecodedBodies(adapter, routeAt, settings.bodyLimitBytes);
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
function logRefused(request: HttpRequestLike, route: TokenRouteOptions, status: number, code: string, sinks: TokenRequestSinks): void {
  if (!sinks.log && !sinks.metrics) return;
  const log = TokenRequestLog.start(request, request.method, sinks);
  log.route = [route.path].flat().find((path) => request.url.split('?')[0].toLowerCase().endsWith(path.toLowerCase())) ?? [route.path].flat()[0];
  log.provider = route.provider;
  log.finish(status, code);
}

/**
 * Finds the mounted route at a request path: trailing slash and case ignored,
 * as the platforms route; a global prefix before the route's path allowed.
 */
function routeFinder(routes: readonly TokenRouteOptions[]): RouteAt {
  const normalise = (path: string) => `/${path.split('?')[0].replace(/^\/+|\/+$/g, '').toLowerCase()}`;
  const entries = routes.flatMap((route) => [route.path].flat().map((path) => [normalise(path), route] as const));
  const exact = new Map(entries);
  return (path) => {
    const wanted = normalise(path);
    return exact.get(wanted) ?? entries.find(([mounted]) => wanted.endsWith(mounted))?.[1];
  };
}
