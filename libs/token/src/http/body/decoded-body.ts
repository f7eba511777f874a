import type { HttpServer } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import type { RoutePlan } from '../route-plan';

type RouteAt = (path: string) => RoutePlan | undefined;
/** Answers a request its route refuses before any body is read (a foreign origin's 403); true when it did. */
export type RefuseEarly = (request: never, route: RoutePlan, response: unknown) => boolean;

/** Content codings a token route reads; anything else is 415 (RFC 9110 §15.5.16). */
const DECODERS: Readonly<Record<string, (() => Transform) | undefined>> = {
  identity: undefined,
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
};

/** An error the body-error mapping (`bodyProblem`) reads by its `type`, as it reads body-parser's. */
const bodyError = (type: string, status: number, message: string) => Object.assign(new Error(message), { type, status, statusCode: status, expose: true });

/** True when the request carries a body (a length over 0, or chunked). */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/** The request's content coding in lower case; `identity` when none is named. */
function codingOf(headers: IncomingHttpHeaders): string {
  return (headers['content-encoding'] ?? 'identity').trim().toLowerCase() || 'identity';
}

/**
 * Makes the body limit count decoded bytes on the token routes of both
 * platforms, whatever the transfer or content coding (chunked, gzip,
 * deflate), and refuses any other `Content-Encoding` with 415:
 *
 * - Fastify: a `preParsing` hook decodes gzip/deflate and reports the encoded
 *   length, so Fastify's own `bodyLimit` (the route's) counts decoded bytes.
 * - Express: body-parser's JSON and form parsers with the route's limit, put
 *   first in the app's stack for token paths only (raw-body counts the
 *   inflated stream), after `refuseEarly` (the origin check: a foreign
 *   origin's body is never read); the app's own parsers then find the body read.
 */
export function installDecodedBodies(adapter: HttpServer, routeAt: RouteAt, limit: number, refuseEarly: RefuseEarly): void {
  const type = (adapter as { getType?(): string }).getType?.();
  if (type === 'express') installOnExpress(adapter, routeAt, limit, refuseEarly);
  else if (type === 'fastify') {
    const fastify = adapter.getInstance() as { addHook(name: 'onRoute', hook: (route: FastifyRoute) => void): void };
    fastify.addHook('onRoute', (route) => {
      // Routes with a body only (the GET hot path runs no hook), after their other hooks (the origin check first).
      if (!routeAt(route.url) || [route.method].flat().every((method) => method === 'GET' || method === 'HEAD')) return;
      route.preParsing = [...[route.preParsing ?? []].flat(), decodeOnFastify];
    });
  }
}

interface FastifyRoute {
  url: string;
  method: string | string[];
  preParsing?: PreParsing | PreParsing[];
}
type PreParsing = (request: { headers: IncomingHttpHeaders }, reply: unknown, payload: Readable, done: (error: Error | null, payload?: Readable) => void) => void;

const decodeOnFastify: PreParsing = (request, _reply, payload, done) => {
  if (!hasBody(request.headers)) return done(null, payload);
  const coding = codingOf(request.headers);
  if (!(coding in DECODERS)) return done(bodyError('encoding.unsupported', 415, 'unsupported content encoding'));
  const decoder = DECODERS[coding];
  if (!decoder) return done(null, payload);
  // Fastify compares the encoded length with Content-Length and the decoded chunks with the limit.
  const decoded = payload.pipe(decoder()) as Transform & { receivedEncodedLength: number };
  decoded.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => (decoded.receivedEncodedLength += chunk.length));
  payload.on('error', (error) => decoded.destroy(error));
  done(null, decoded);
};

type Middleware = (request: ExpressRequest, response: unknown, next: (error?: unknown) => void) => void;
interface ExpressRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

function installOnExpress(adapter: HttpServer, routeAt: RouteAt, limit: number, refuseEarly: RefuseEarly): void {
  // express is there: this is an Express app. Its body-parser counts the inflated bytes against `limit`.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const express = require('express') as { json(o: object): Middleware; urlencoded(o: object): Middleware };
  const json = express.json({ limit, strict: true });
  const form = express.urlencoded({ limit, extended: true });
  const tokenBodies: Middleware = (request, response, next) => {
    const route = hasBody(request.headers) ? routeAt(request.path) : undefined;
    if (!route) return next();
    if (refuseEarly(request as never, route, response)) return;
    if (!(codingOf(request.headers) in DECODERS)) return next(bodyError('encoding.unsupported', 415, 'unsupported content encoding'));
    json(request, response, (error) => (error ? next(error) : form(request, response, next)));
  };
  type Layer = { name?: string };
  const instance = adapter.getInstance() as { use(m: Middleware): void; router?: { stack: Layer[] }; _router?: { stack: Layer[] } };
  instance.use(tokenBodies);
  // Before the app's own parsers (Nest put them in first): moved to the front of the stack,
  // after Express 4's own `query` and `expressInit` layers if there are any.
  const stack = (instance.router ?? instance._router)?.stack;
  if (!stack) return;
  const at = stack.findIndex((layer) => layer.name !== 'query' && layer.name !== 'expressInit');
  stack.splice(Math.max(0, at), 0, stack.pop()!);
}
