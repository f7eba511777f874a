import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { startMetricsServer, type MetricsServer } from './metrics-server';

/**
 * The example app's `/metrics` listener (`METRICS_PORT`, on the app's `HOST`)
 * as part of the app's lifecycle: it starts with the app and closes after the
 * public server has drained, so scrapes keep working during a shutdown.
 */
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: MetricsServer;

  constructor(
    private readonly port: number | undefined,
    private readonly host: string | undefined,
  ) {}

  /** The running listener, once the app has started (undefined without `METRICS_PORT`). */
  get running(): MetricsServer | undefined {
    return this.server;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.port === undefined || this.server) return;
    this.server = await startMetricsServer(this.port, this.host);
    new Logger('Metrics').log(`Prometheus metrics on ${this.server.url}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }
}
