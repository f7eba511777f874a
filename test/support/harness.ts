import type { AppOverrides } from '../../src/config/token-providers';
import type { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { createApp } from '../../src/app.factory';
import { startMisoSimulator, type MisoSimulatorOptions } from 'nestjs-token-broker/testing';
import { startSentifydSimulator, type SentifydSimulatorOptions } from 'nestjs-token-broker/testing';
import type { SentifydSimulator, UpstreamSimulator } from 'nestjs-token-broker/testing';
import type { Server } from 'node:http';
import { CaptureLogger } from './capture-logger';
import { currentPlatform } from './platforms';

/** Secrets of one test setup; tests scan every response and log line for them. */
export interface TestSecrets {
  misoClientId: string;
  misoClientSecret: string;
  avatarApiKey: string;
  jwtSecret: string;
}

/** Real upstream simulators on loopback, and the environment that points the app at them. */
export interface Upstreams {
  miso: UpstreamSimulator;
  sentifyd: SentifydSimulator;
  secrets: TestSecrets;
  /** A full environment for the example app: both providers on, rate limit off. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts both simulators with fresh random secrets. */
export async function startUpstreams(
  options: { miso?: Partial<MisoSimulatorOptions>; sentifyd?: Partial<SentifydSimulatorOptions> } = {},
): Promise<Upstreams> {
  const secrets: TestSecrets = {
    misoClientId: 'ctrl-test-app',
    misoClientSecret: `miso-secret-${randomBytes(12).toString('hex')}`,
    avatarApiKey: `avatar-key-${randomBytes(12).toString('hex')}`,
    jwtSecret: randomBytes(32).toString('hex'),
  };
  const miso = await startMisoSimulator({ clientId: secrets.misoClientId, clientSecret: secrets.misoClientSecret, ...options.miso });
  const sentifyd = await startSentifydSimulator({ apiKey: secrets.avatarApiKey, ...options.sentifyd });
  const env = {
    NODE_ENV: 'test',
    MISO_CLIENTID: secrets.misoClientId,
    MISO_CLIENTSECRET: secrets.misoClientSecret,
    MISO_CONTROLLER_URL: miso.url,
    AVATAR_API_KEY: secrets.avatarApiKey,
    SENTIFYD_BACKEND: sentifyd.url,
    AUTH_JWT_SECRET: secrets.jwtSecret,
    TOKEN_RATE_LIMIT: '0',
  };
  return { miso, sentifyd, secrets, env, close: async () => void (await Promise.all([miso.close(), sentifyd.close()])) };
}

/** A running example app on a free loopback port. */
export interface RunningApp {
  app: INestApplication;
  /** e.g. `http://127.0.0.1:40555` */
  url: string;
  logger: CaptureLogger;
  close(): Promise<void>;
}

/** Boots the example app from `env` (as `main.ts` would) on `listen(0)`, on the spec block's platform unless `env` names one. */
export async function bootApp(
  env: Record<string, string | undefined>,
  overrides: AppOverrides = {},
  logger = new CaptureLogger(),
): Promise<RunningApp> {
  const app = await createApp({ HTTP_ADAPTER: currentPlatform(), ...env }, { overrides, logger });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, logger, close: () => app.close() };
}

/** An HS256 bearer token for user `sub`, as the example app's sign-in expects. */
export function bearer(secret: string, sub: string, options: { expiresInSeconds?: number } = {}): string {
  const token = new JwtService().sign({ sub }, { secret, algorithm: 'HS256', expiresIn: options.expiresInSeconds ?? 3600 });
  return `Bearer ${token}`;
}

/** Fails when any of `secrets` appears in any of `texts` (responses, headers, log lines). */
export function expectNoSecrets(texts: readonly string[], secrets: readonly string[]): void {
  for (const secret of secrets) {
    const leaks = texts.filter((text) => text.includes(secret));
    if (leaks.length > 0) throw new Error(`a secret leaked into ${leaks.length} output(s), e.g.: ${leaks[0].slice(0, 200)}`);
  }
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

/** Something a spec starts and must close: an app, the upstreams, a simulator. */
export interface Closable {
  close(): Promise<unknown> | unknown;
}

/**
 * Closes what a spec block started, in order (apps before the upstreams they
 * call), skipping what never started; `finally` runs even when a close throws
 * (e.g. `killAllPrivateRedis`).
 */
export async function closeAll(closables: readonly (Closable | undefined)[], final?: () => unknown): Promise<void> {
  try {
    for (const closable of closables) await closable?.close();
  } finally {
    await final?.();
  }
}
