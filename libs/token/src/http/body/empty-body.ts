import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { HttpRequestLike } from '../http-exchange';

/**
 * "An empty body is no body, whatever its Content-Type says": the Miso
 * browser SDK POSTs `Content-Type: application/json` with `Content-Length: 0`,
 * and a JSON parser that insists on a document (Fastify's) refuses it. These
 * helpers let a token route read such a request exactly as it reads a GET.
 */

/**
 * True when the request carries no body bytes: `Content-Length: 0` (or no
 * length and no `Transfer-Encoding`), or a chunked body whose first read is
 * its end. A chunked body is peeked, never consumed: a first chunk is put
 * back for the parser. A body already read by someone else is not empty.
 *
 * @example
 * if (await bodyIsEmpty(request.headers, request)) forgetBody(request);
 */
export function bodyIsEmpty(headers: IncomingHttpHeaders, payload: Readable): boolean | Promise<boolean> {
  if (headers['transfer-encoding'] === undefined) {
    const length = headers['content-length'];
    return length === undefined || Number(length) === 0;
  }
  if (payload.readableEnded || payload.readableFlowing || payload.destroyed) return false;
  return new Promise<boolean>((resolve) => {
    const settle = (empty: boolean) => {
      payload.off('readable', onReadable).off('end', onEnd).off('error', onError);
      resolve(empty);
    };
    const onReadable = () => {
      const chunk: unknown = payload.read();
      if (chunk === null) return; // no bytes yet, or the end: 'end' follows then
      payload.unshift(chunk as Buffer);
      settle(false);
    };
    const onEnd = () => settle(true);
    // A broken stream is not ours to report: the parser meets the same error.
    const onError = () => settle(false);
    payload.on('readable', onReadable).on('end', onEnd).on('error', onError);
  });
}

/**
 * Makes a request with an empty body look like one without any: no
 * `Content-Type`, no `Transfer-Encoding`, so parsers skip it as they skip a
 * GET, and nothing later checks the type or charset of a body that is not there.
 */
export function forgetBody(request: { headers: IncomingHttpHeaders; raw?: IncomingMessage; body?: unknown }): void {
  const headers = request.raw?.headers ?? request.headers;
  delete headers['content-type'];
  delete headers['transfer-encoding'];
  if (headers !== request.headers) {
    delete request.headers['content-type'];
    delete request.headers['transfer-encoding'];
  }
  request.body = undefined;
}

/** body-parser refused these before reading a byte, by the headers alone: an empty body makes them moot. */
const BEFORE_READING = new Set(['charset.unsupported', 'entity.parse.failed']);

/**
 * Express: whether the body error `error` of a token request is moot because
 * the body is empty (then the route answers as for a GET). An unknown
 * `Content-Encoding` stays an error: the contract answers it 415 as is.
 */
export function emptyBodyExcuses(error: unknown, request: IncomingMessage): boolean | Promise<boolean> {
  const type = (error as { type?: unknown } | undefined)?.type;
  if (typeof type !== 'string' || !BEFORE_READING.has(type)) return false;
  return bodyIsEmpty(request.headers, request);
}

/** A Fastify `preParsing` hook, callback style (no promise on the GET path). */
export type PreParsing = (request: HttpRequestLike, reply: unknown, payload: Readable, done: (error: null, payload: Readable) => void) => void;

/**
 * Fastify: a route `preParsing` hook that runs `first` (the origin check:
 * true when it answered) before a byte of the body is read, then makes an
 * empty body no body. GET and HEAD pass untouched.
 */
export function emptyBodyPreParsing(first: (request: HttpRequestLike, reply: unknown) => boolean): PreParsing {
  return (request, reply, payload, done) => {
    if (request.method === 'GET' || request.method === 'HEAD' || first(request, reply)) return done(null, payload);
    const empty = bodyIsEmpty(request.headers, payload);
    if (empty === true) forgetBody(request as never);
    if (typeof empty === 'boolean') return done(null, payload);
    void empty.then((yes) => {
      if (yes) forgetBody(request as never);
      done(null, payload);
    });
  };
}
