import type { TokenModuleOptions } from 'nestjs-token-broker';
import { FakeClock } from 'nestjs-token-broker/testing';
import { bearer, bootApp, startUpstreams, type RunningApp, type Upstreams } from '../support/harness';

/** One response, read whole, with its headers as a plain (lower-case) record. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed JSON body, when it is JSON. */
  body: any;
  /** Wall-clock milliseconds the request took. */
  ms: number;
}

/** A fetch client on the app that keeps every response (headers and body) for leak scans. */
export class Client {
  /** Every response header block and body seen, as text. */
  readonly transcript: string[] = [];

  constructor(readonly base: string) {}

  async send(path: string, init: RequestInit = {}): Promise<Reply> {
    const started = performance.now();
    const response = await fetch(`${this.base}${path}`, { redirect: 'manual', ...init });
    const text = await response.text();
    const headers = Object.fromEntries(response.headers);
    this.transcript.push(JSON.stringify(headers), text);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers, text, body, ms: performance.now() - started };
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

/** Both simulators, the example app on a FakeClock, and a recording client. */
export interface Rig {
  upstreams: Upstreams;
  running: RunningApp;
  clock: FakeClock;
  client: Client;
  /** `{ authorization: 'Bearer …' }` for user `sub`. */
  auth(sub: string): Record<string, string>;
  close(): Promise<void>;
}

/** Starts simulators and the app (`env` on top of the harness env, `overrides` on top of `{ clock }`). */
export async function startRig(env: Record<string, string> = {}, overrides: Partial<TokenModuleOptions> = {}): Promise<Rig> {
  const upstreams = await startUpstreams();
  const clock = new FakeClock();
  const running = await bootApp({ ...upstreams.env, ...env }, { clock, ...overrides });
  return {
    upstreams,
    running,
    clock,
    client: new Client(running.url),
    auth: (sub) => ({ authorization: bearer(upstreams.secrets.jwtSecret, sub) }),
    close: async () => {
      await running.close();
      await upstreams.close();
    },
  };
}

/** Asserts `reply` is a problem+json error of `status` that no cache may keep. */
export function expectProblem(reply: Reply, status: number): void {
  expect({ status: reply.status, type: reply.headers['content-type'] }).toEqual({
    status,
    type: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(reply.body).toEqual(
    expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String), error: expect.any(String) }),
  );
  expectNoStore(reply);
}

/** Asserts the no-store headers every token response carries. */
export function expectNoStore(reply: Reply): void {
  expect({ cacheControl: reply.headers['cache-control'], pragma: reply.headers.pragma }).toEqual({ cacheControl: 'no-store', pragma: 'no-cache' });
}

export const MISO = '/api/client-token';
export const SENTIFYD = '/request_tokens';

