import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';

/** How long requests in flight may take to finish once a shutdown starts. */
export const DRAIN_MS = 10_000;
/** How often idle keep-alive connections are closed while draining. */
const IDLE_SWEEP_MS = 100;

/**
 * Bounds the drain of a shutdown (SIGTERM, SIGINT, or `app.close()`), on both
 * platforms. Nest closes the HTTP server after this hook: Node's `close()` (and
 * Fastify's) stops accepting and waits for the requests in flight, but a
 * keep-alive connection that goes idle *after* `close()` would hold it until
 * its keep-alive timeout, and a request that never ends would hold it forever.
 * So, while draining, idle connections are closed as they appear, and after
 * {@link DRAIN_MS} whatever is left is cut.
 */
@Injectable()
export class GracefulShutdown implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  beforeApplicationShutdown(signal?: string): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
    if (signal) this.logger.log(`${signal}: no new connections; finishing the requests in flight (at most ${DRAIN_MS / 1000} s)`);
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const cut = setTimeout(() => {
      this.logger.warn(`requests still running after ${DRAIN_MS / 1000} s: closing their connections`);
      server.closeAllConnections();
    }, DRAIN_MS);
    // Neither may keep the process alive by itself.
    this.timers = [sweep.unref(), cut.unref()];
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }
}
