import { randomBytes } from 'node:crypto';
import { FakeClock, type SimulatorMode, type UpstreamSimulator } from 'nestjs-token-broker/testing';
import type { AppOverrides } from '../../src/config/token-providers';
import { bearer, bootApp, type RunningApp } from '../support/harness';
import { expectNoStore } from '../support/expect-reply';
import { send, type Method, type Reply } from '../support/http';

/** One catalogue provider of the example app, as the shared tables (provider-table.ts) and the vendor specs see it. */
export interface CatalogueProvider {
  /** The route, e.g. `/api/deepgram/token`. */
  route: string;
  /** Its stand-in's stray answers (`denied`, say) beyond the common faults, with their statuses. */
  extraFaults?: readonly (readonly [SimulatorMode, number, string])[];
  /** What every call sends besides the user (ElevenLabs: its `agent_id`). */
  params?: Record<string, string>;
  /** True when its upstream call is a GET: idempotent, so a 5xx gets the one retry any idempotent call gets. */
  upstreamGet?: boolean;
  /** False for a public route (Miso's): no 401 to check. Default true. */
  signedIn?: boolean;
  /** Starts the vendor stand-in for `apiKey` (its secret), on the app's clock. */
  startUpstream(apiKey: string, clock: FakeClock): Promise<UpstreamSimulator>;
  /** The variables that turn the provider on against the stand-in at `url`. */
  env(apiKey: string, url: string): Record<string, string>;
  /** The browser's token in an answer. */
  tokenOf(body: any): string;
}

/** The example app with one catalogue provider on, against its stand-in. */
export interface ProviderRig {
  upstream: UpstreamSimulator;
  running: RunningApp;
  clock: FakeClock;
  apiKey: string;
  jwtSecret: string;
  /** Calls the route as `user` (none: anonymous). */
  ask(method: Method, user?: string, params?: Record<string, string>): Promise<Reply>;
  close(): Promise<void>;
}

/**
 * A catalogue answer: 200, no-store, exactly `fields` plus `expiresIn` (whole
 * seconds) and `expiresAt` (ISO 8601), the one being the whole seconds left
 * before the other on `clock`.
 */
export function expectCatalogueAnswer(reply: Reply, clock: FakeClock, fields: Record<string, unknown>): { expiresIn: number; expiresAtMs: number } {
  expect(reply.status).toBe(200);
  expectNoStore(reply);
  expect(reply.body).toEqual({ ...fields, expiresIn: expect.any(Number), expiresAt: expect.any(String) });
  const { expiresIn, expiresAt } = reply.body;
  expect(Number.isInteger(expiresIn)).toBe(true);
  expect(new Date(expiresAt).toISOString()).toBe(expiresAt);
  const expiresAtMs = Date.parse(expiresAt);
  expect(expiresAtMs - clock.now() - expiresIn * 1000).toBeGreaterThanOrEqual(0);
  expect(expiresAtMs - clock.now() - expiresIn * 1000).toBeLessThan(1000);
  return { expiresIn, expiresAtMs };
}

/** Boots the app with only `provider` on (rate limit off unless `env` says otherwise). */
export async function startProviderRig(
  provider: CatalogueProvider,
  env: Record<string, string> = {},
  overrides: (apiKey: string, upstreamUrl: string) => AppOverrides = () => ({}),
): Promise<ProviderRig> {
  const clock = new FakeClock();
  const apiKey = `key-${randomBytes(16).toString('hex')}`;
  const jwtSecret = randomBytes(32).toString('hex');
  const upstream = await provider.startUpstream(apiKey, clock);
  const running = await bootApp(
    { NODE_ENV: 'test', AUTH_JWT_SECRET: jwtSecret, TOKEN_RATE_LIMIT: '0', ...provider.env(apiKey, upstream.url), ...env },
    { clock, ...overrides(apiKey, upstream.url) },
  );
  const rig: ProviderRig = {
    upstream,
    running,
    clock,
    apiKey,
    jwtSecret,
    // The app of the moment: a spec may replace it.
    ask: (method, user, params = provider.params) =>
      send(rig.running.url, provider.route, method, { params, headers: user === undefined ? {} : { authorization: bearer(jwtSecret, user) } }),
    close: async () => {
      await rig.running.close();
      await upstream.close();
    },
  };
  return rig;
}

/**
 * A rig for a block whose tests each start their own (`await rig.start(provider, env)`):
 * the returned object stands for the rig of the moment and closes it after each test.
 */
export function useProviderRig(): ProviderRig & { start: typeof startProviderRig } {
  let current: ProviderRig | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const start: typeof startProviderRig = async (...args) => (current = await startProviderRig(...args));
  return new Proxy({} as ProviderRig & { start: typeof startProviderRig }, {
    get: (_target, name) => {
      if (name === 'start') return start;
      if (!current) throw new Error('no rig yet: call rig.start(…) first');
      return Reflect.get(current, name);
    },
    set: (_target, name, value) => Reflect.set(current ?? {}, name, value),
  });
}

/** A catalogue provider whose answer carries the browser's token as `token`. */
export function tokenProvider(
  route: string,
  startUpstream: CatalogueProvider['startUpstream'],
  env: CatalogueProvider['env'],
  more: Partial<CatalogueProvider> = {},
): CatalogueProvider {
  return { route, startUpstream, env, tokenOf: (body) => body.token, ...more };
}

/**
 * Asks as alice twice, the second time with `params` a browser must not be able
 * to set (model, lifetime, scope…): the upstream gets the very same request both
 * times. Returns the second answer.
 */
export async function askIgnoring(rig: ProviderRig, method: Method, params: Record<string, string>): Promise<Reply> {
  await rig.ask(method, 'alice');
  const asked = await rig.ask(method, 'alice', params);
  expect(rig.upstream.count).toBe(2);
  expect(rig.upstream.calls[1].body).toBe(rig.upstream.calls[0].body);
  return asked;
}
