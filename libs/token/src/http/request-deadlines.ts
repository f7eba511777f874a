import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { hasBody } from './body/decoded-body';

/** How long a request's headers, then its body, may take; `false` leaves one unchecked. */
export interface RequestDeadlines {
  /** From the connection (or the previous answer on it) to the end of the headers. Default 10 000 ms. */
  readonly headersMs?: number | false;
  /** From the end of the headers to the end of the body. Default 10 000 ms. */
  readonly bodyMs?: number | false;
}

/** The contract's deadlines: headers within 10 s, the body within 10 s of them. */
export const DEFAULT_REQUEST_DEADLINES = Object.freeze({ headersMs: 10_000, bodyMs: 10_000 });

const HEADER_TIMER = Symbol('tokenHeaderTimer');
const BODY_TIMED = Symbol('tokenBodyTimed');
type TimedSocket = Socket & { [HEADER_TIMER]?: NodeJS.Timeout };
type TimedRequest = IncomingMessage & { [BODY_TIMED]?: true };

/**
 * Closes connections that send their request too slowly: headers not in
 * within `headersMs`, or a body not in within `bodyMs` of its headers (a
 * slowloris holds a descriptor each, for ever on Fastify, whose
 * `requestTimeout` is 0). Works on the Node `http.Server` of either platform
 * (`app.getHttpServer()`), with exact timers of its own: Node's own
 * `headersTimeout`/`requestTimeout` are only checked every 30 s.
 *
 * `appliesTo` narrows the body deadline to some requests; the token module
 * uses it for its routes. Call it once per server for all requests.
 *
 * @example
 * const app = await NestFactory.create(AppModule);
 * enforceRequestDeadlines(app.getHttpServer());
 */
export function enforceRequestDeadlines(server: Server, deadlines: RequestDeadlines = {}, appliesTo?: (request: IncomingMessage) => boolean): void {
  const headersMs = deadlines.headersMs ?? DEFAULT_REQUEST_DEADLINES.headersMs;
  const bodyMs = deadlines.bodyMs ?? DEFAULT_REQUEST_DEADLINES.bodyMs;
  if (headersMs !== false) {
    server.on('connection', (socket: TimedSocket) => armHeaders(socket, headersMs));
  }
  server.on('request', (request: TimedRequest, response: ServerResponse) => {
    const socket = request.socket as TimedSocket;
    if (socket[HEADER_TIMER]) clearTimeout(socket[HEADER_TIMER]);
    // Keep-alive: the next request's headers get the same deadline, counted from this answer.
    if (headersMs !== false) response.once('finish', () => armHeaders(socket, headersMs));
    if (bodyMs === false || request[BODY_TIMED] || request.complete || !hasBody(request.headers)) return;
    if (appliesTo && !appliesTo(request)) return;
    request[BODY_TIMED] = true;
    const timer = setTimeout(destroy, bodyMs, socket).unref();
    const clear = () => clearTimeout(timer);
    request.once('end', clear);
    request.once('close', clear);
  });
}

const destroy = (socket: Socket) => socket.destroy();

/** (Re)starts the socket's headers deadline: a new timer, as a cleared one cannot be refreshed. */
function armHeaders(socket: TimedSocket, ms: number): void {
  if (socket.destroyed) return;
  const first = socket[HEADER_TIMER] === undefined;
  clearTimeout(socket[HEADER_TIMER]);
  socket[HEADER_TIMER] = setTimeout(destroy, ms, socket).unref();
  if (first) socket.once('close', () => clearTimeout(socket[HEADER_TIMER]));
}
