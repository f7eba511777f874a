import type { Server } from 'node:http';
import type { UpstreamSimulator } from 'nestjs-token-broker/testing';

/** The two methods every token route answers. */
export const METHODS = ['GET', 'POST'] as const;
export type Method = (typeof METHODS)[number];

/** What a browser sees of one answer. */
export interface Reply {
  status: number;
  headers: Headers;
  /** Raw body text. */
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  body: any;
}

/**
 * Calls a token route like a browser: `params` go in the query string on GET
 * and in a JSON body on POST (no body at all when there are none).
 */
export async function send(
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
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** Headers of a reply as one text, for secret scans. */
export function headerText(reply: Reply): string {
  return [...reply.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
}

/** Every token answer, success or error, is never cacheable. */
export function expectNoStore(reply: Reply): void {
  expect(reply.headers.get('cache-control')).toBe('no-store');
  expect(reply.headers.get('pragma')).toBe('no-cache');
}

/** An RFC 9457 problem with the contract's members and no-store headers. */
export function expectProblem(reply: Reply, status: number): void {
  expect({ status: reply.status, type: reply.headers.get('content-type') }).toEqual({
    status,
    type: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(reply.body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      error: expect.any(String),
    }),
  );
  expect(reply.body.error.length).toBeGreaterThan(0);
  expectNoStore(reply);
}

/**
 * HTTP methods an upstream simulator received, in order. The simulator records
 * path, headers and body but not the method, so this listens on its server.
 */
export function recordMethods(simulator: UpstreamSimulator): string[] {
  const methods: string[] = [];
  const server = (simulator as unknown as { server?: Server }).server;
  if (!server) throw new Error('simulator not started');
  server.prependListener('request', (request) => methods.push(request.method ?? '?'));
  return methods;
}

/** A JWT with `alg: none` and no signature, claiming `sub`. */
export function unsignedBearer(sub: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `Bearer ${part({ alg: 'none', typ: 'JWT' })}.${part({ sub, iat: now, exp: now + 3600 })}.`;
}
