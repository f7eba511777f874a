import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * How a simulated upstream answers:
 * `ok`; `reject` (401 with an error body); `fail` (500); `garbage` (200, not JSON);
 * `html` (200, an HTML page); `denied` (200 but `success: false` / no token);
 * `hang` (never answers); `reset` (drops the connection).
 */
export type SimulatorMode = 'ok' | 'reject' | 'fail' | 'garbage' | 'html' | 'denied' | 'hang' | 'reset';

/** One request the simulator received. */
export interface SimulatedCall {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A reply of an `ok` upstream: status and JSON body (or, with `text`, that text as `text/plain` instead). */
export type SimulatedReply = (call: SimulatedCall, n: number) => { status: number; body: unknown; text?: string };

/**
 * A real HTTP upstream on loopback, for the sandbox and the tests: it counts
 * calls and can be switched to fail, hang, reset or answer garbage.
 */
export class UpstreamSimulator {
  /** Calls received, in order. */
  readonly calls: SimulatedCall[] = [];
  /** How the next calls are answered. */
  mode: SimulatorMode = 'ok';
  /** Pause before answering, in ms (a slow upstream). */
  delayMs = 0;
  /** Body sent with error modes: tests check it never reaches a client or a log. */
  readonly errorBody = `upstream-private-error-${randomBytes(6).toString('hex')}`;
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private port = 0;

  constructor(private readonly reply: SimulatedReply) {}

  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** How many calls arrived. */
  get count(): number {
    return this.calls.length;
  }

  /** Listens on a free loopback port. */
  async start(port = 0): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening and drops open connections (hung ones included). */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const call: SimulatedCall = { method: request.method ?? '', path: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
    this.calls.push(call);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    switch (this.mode) {
      case 'hang':
        return;
      case 'reset':
        request.socket.destroy();
        return;
      case 'reject':
        return send(response, 401, { error: 'invalid_client', detail: this.errorBody });
      case 'fail':
        return send(response, 500, { error: this.errorBody });
      case 'garbage':
        response.writeHead(200, { 'content-type': 'application/json' }).end(`{"token": ${this.errorBody}`);
        return;
      case 'html':
        response.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body>${this.errorBody}</body></html>`);
        return;
      case 'denied':
        return send(response, 200, { success: false, error: this.errorBody });
      default: {
        const { status, body, text } = this.reply(call, this.calls.length);
        if (text !== undefined) return void response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
        return send(response, status, body);
      }
    }
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * A JWT-shaped token with an `exp`, so `exp` fallbacks can be exercised. Not
 * signed: its third part is random, so tokens differ at the end as real ones do
 * (an abbreviated token, as the demo page shows it, still tells them apart).
 */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.${randomBytes(16).toString('base64url')}`;
}
