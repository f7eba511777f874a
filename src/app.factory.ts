import { tokenBodyParser, tokenCors, type TokenModuleOptions } from '@app/token';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { JwtService } from '@nestjs/jwt';
import type { NextFunction, Request, Response } from 'express';
import { APP_ROUTES, AppModule } from './app.module';
import { BearerUserMiddleware } from './auth/bearer-user.middleware';
import { parseEnv } from './config/env.schema';

/** Options of {@link createApp} beyond the environment. */
export interface CreateAppOptions {
  /** Library options to override (tests pass a clock or a store). */
  overrides?: Partial<TokenModuleOptions>;
  /** Nest's logger, or the levels to log. */
  logger?: LoggerService | LogLevel[] | false;
}

/**
 * Builds the example app from an environment (checked first: a bad one throws
 * an `EnvError`). `main.ts` and the e2e tests both start the app through here.
 */
export async function createApp(raw: Record<string, string | undefined>, options: CreateAppOptions = {}): Promise<INestApplication> {
  const env = parseEnv(raw);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env, options.overrides), {
    bodyParser: false,
    logger: options.logger,
    // Let start-up errors reach the caller (main.ts prints one line) instead of aborting the process.
    abortOnError: false,
  });
  // Token answers are never cached, so validators would only add work; nothing advertises the stack.
  app.set('etag', false);
  app.disable('x-powered-by');
  if (env.TRUST_PROXY !== undefined) app.set('trust proxy', trustProxy(env.TRUST_PROXY));
  if (env.TOKEN_ALLOWED_ORIGINS?.length) app.enableCors(tokenCors(env.TOKEN_ALLOWED_ORIGINS));
  app.use(...tokenBodyParser({ routes: APP_ROUTES }));
  // Sign-in as a plain Express middleware: through Nest's consumer.apply().forRoutes('*path')
  // the same work cost a wildcard match, a path param, a WeakSet and a proxy per request.
  const bearer = new BearerUserMiddleware(app.get(JwtService));
  app.use((request: Request & { user?: { id: string } }, response: Response, next: NextFunction) => bearer.use(request, response, next));
  app.enableShutdownHooks();
  return app;
}

/** Express's `trust proxy` from its env form: true/false, a hop count, or addresses. */
function trustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
