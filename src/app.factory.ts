import { ConsoleLogger, Logger, type INestApplication, type LoggerService, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { enforceRequestDeadlines, type RequestDeadlines } from 'nestjs-token-broker';
import { AppModule } from './app.module';
import { parseEnv, type AppEnv } from './config/env.schema';
import type { AppOverrides } from './config/token-providers';
import type { DemoOptions } from './demo/demo.controller';

/** Options of {@link createApp} beyond the environment. */
export interface CreateAppOptions {
  /** Library or provider options to override (tests pass a clock, a store, a vendor's options). */
  overrides?: AppOverrides;
  /** Nest's logger, or the levels to log; default: Nest's console logger, as `LOG_FORMAT` says. */
  logger?: LoggerService | LogLevel[] | false;
  /** Sandbox mode only: serve the demo page at `/`, signed in with this bearer (never with NODE_ENV=production). */
  demo?: DemoOptions;
  /** Headers and body deadlines of every request; default the contract's 10 s and 10 s (tests pass shorter ones). */
  deadlines?: RequestDeadlines;
}

/**
 * Builds the example app from an environment (checked first: a bad one throws
 * an `EnvError`), on Fastify unless `HTTP_ADAPTER=express`. `main.ts` and the
 * e2e tests both start the app through here.
 */
export async function createApp(raw: Record<string, string | undefined>, options: CreateAppOptions = {}): Promise<INestApplication> {
  const env = parseEnv(raw);
  const module = AppModule.forRoot(env, options.overrides, options.demo);
  // Let start-up errors reach the caller (main.ts prints one line) instead of aborting the process.
  const logger = options.logger ?? (env.LOG_FORMAT === 'json' ? new ConsoleLogger({ json: true }) : undefined);
  const nestOptions = { logger, abortOnError: false };
  const trustProxy = env.TRUST_PROXY === undefined ? undefined : trustProxyOf(env.TRUST_PROXY);
  let app: INestApplication;
  if (env.HTTP_ADAPTER === 'express') {
    const express = await NestFactory.create<NestExpressApplication>(module, nestOptions);
    // Token answers are never cached, so validators would only add work; nothing advertises the stack.
    express.set('etag', false);
    express.disable('x-powered-by');
    if (trustProxy !== undefined) express.set('trust proxy', trustProxy);
    app = express;
  } else {
    app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter({ trustProxy }), nestOptions);
  }
  // A slow client is cut off on every route: headers within 10 s, the body within 10 s of them.
  enforceRequestDeadlines(app.getHttpServer(), options.deadlines);
  // On a signal: drain (see GracefulShutdown), close the store and the metrics listener, then exit 0
  // (without useProcessExit Nest re-raises the signal, and the process would die of it).
  app.enableShutdownHooks([], { useProcessExit: true });
  if (trustProxy === true) {
    // Logged after create: Nest's logger (the one the app was given) is in place by then.
    new Logger('Main').warn(
      'TRUST_PROXY=true trusts every X-Forwarded-For hop, so any client can choose the IP its rate limit counts; set the hop count of your proxies instead (e.g. TRUST_PROXY=1) or their addresses',
    );
  }
  return app;
}

/** `TRUST_PROXY` in the one form both platforms take: true/false, a hop count, or addresses. */
function trustProxyOf(value: NonNullable<AppEnv['TRUST_PROXY']>): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
