import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/**
 * The one HTTP client of the e2e specs: every spec reads an answer as a
 * `Reply`, whether it went through fetch (`send`, `Client`) or node:http byte
 * for byte (`rawSend`).
 */

/** The two methods every token route answers. */
export const METHODS = ['GET', 'POST'] as const;
export type Method = (typeof METHODS)[number];

/** One answer, read whole. */
export interface Reply {
  status: number;
  /** Lower-case names; a repeated header joined with `, ` (as fetch's `Headers.get` does). */
  headers: Record<string, string>;
  /** Raw body text. */
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  body: any;
  /** Wall-clock milliseconds the request took (for figures and bounds, never a speed claim). */
  ms: number;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One fetch, read into a `Reply`. */
export async function request(url: string | URL, init: RequestInit = {}): Promise<Reply> {
  const started = performance.now();
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: Object.fromEntries(response.headers), text, body: parseJson(text), ms: performance.now() - started };
}

/**
 * Calls a token route like a browser: `params` go in the query string on GET
 * and in a JSON body on POST (no body at all when there are none).
 */
export function send(
  base: string,
  path: string,
  method: Method,
  options: { params?: Record<string, string>; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<Reply> {
  const params = options.params ?? {};
  const url = new URL(path, base);
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.rawBody;
  if (method === 'GET') {
    for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
  } else if (body === undefined && Object.keys(params).length > 0) {
    body = JSON.stringify(params);
  }
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  return request(url, { method, headers, body });
}

/** A fetch client on one app that keeps every answer (headers and body) for leak scans; redirects are not followed. */
export class Client {
  /** Every answer's header block and body, as text. */
  readonly transcript: string[] = [];

  constructor(readonly base: string) {}

  async send(path: string, init: RequestInit = {}): Promise<Reply> {
    const reply = await request(`${this.base}${path}`, { redirect: 'manual', ...init });
    this.transcript.push(JSON.stringify(reply.headers), reply.text);
    return reply;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.send(path, { headers });
  }

  /** POSTs `body` as JSON (a string is sent as is, for malformed bodies). */
  post(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const raw = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const type: Record<string, string> = raw === undefined ? {} : { 'content-type': 'application/json' };
    return this.send(path, { method: 'POST', body: raw, headers: { ...type, ...headers } });
  }
}

/** How a raw request's body goes on the wire: none at all, `Content-Length: 0`, or chunked (zero bytes unless chunks are given). */
export type Framing = 'none' | 'length-0' | 'chunked-0';

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
}

/**
 * Sends one request with node:http and exactly `headers`: node adds only
 * `Connection`, and `Host` unless `headers` has one (sent as given, which
 * fetch would not do). The body is framed as asked; `chunks` go chunked.
 */
export function rawSend(base: string, method: string, path: string, headers: Record<string, string> = {}, framing: Framing = 'none', chunks: string[] = []): Promise<Reply> {
  const wire: Record<string, string> = { ...headers };
  if (framing === 'length-0') wire['content-length'] = '0';
  if (framing === 'chunked-0') wire['transfer-encoding'] = 'chunked';
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const setHost = !Object.keys(wire).some((name) => name.toLowerCase() === 'host');
    const request = httpRequest(new URL(path, base), { method, headers: wire, setHost }, (response) => {
      const received: Buffer[] = [];
      response.on('data', (chunk: Buffer) => received.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(received).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: flatten(response.headers), text, body: parseJson(text), ms: performance.now() - started });
      });
    });
    request.on('error', reject);
    for (const chunk of chunks) request.write(chunk);
    request.end(); // chunked: the terminating zero-length chunk
  });
}

/** Headers of a reply as one text, for secret scans. */
export function headerText(reply: Reply): string {
  return Object.entries(reply.headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}
