import type { INestApplication, LoggerService, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/** The Nest platforms the library supports; e2e specs run on each. */
export const PLATFORMS = ['fastify', 'express'] as const;
export type Platform = (typeof PLATFORMS)[number];

let current: Platform = 'fastify';

/** The platform the running spec block boots apps on (`bootApp` reads it). */
export function currentPlatform(): Platform {
  return current;
}

/**
 * Runs the specs `body` declares once per platform (`describe.each`, as
 * `@nestjs/throttler`'s e2e specs do), so a difference between Express and
 * Fastify fails a test.
 */
export function eachPlatform(body: (platform: Platform) => void): void {
  describe.each(PLATFORMS)('on %s', (platform) => {
    beforeAll(() => {
      current = platform;
    });
    body(platform);
  });
}

/** Creates a Nest app of `module` on `platform` (the spec block's, by default). */
export function createOnPlatform(module: Type<unknown>, logger: LoggerService, platform: Platform = current): Promise<INestApplication> {
  return platform === 'fastify' ? NestFactory.create(module, new FastifyAdapter(), { logger }) : NestFactory.create(module, { logger });
}
