import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, register } from 'prom-client';

/** A running `/metrics` listener. */
export interface MetricsServer {
  /** The port it listens on (useful after asking for port 0). */
  readonly port: number;
  /** e.g. `http://127.0.0.1:9464/metrics` */
  readonly url: string;
  /** Stops listening and drops open (keep-alive) scrape connections. */
  close(): Promise<void>;
}

/**
 * Serves prom-client's default registry as Prometheus text at `GET /metrics`
 * on a port of its own (everything else is 404), so metrics are never on
 * the public port. Adds Node's default metrics to the registry, once.
 *
 * @example
 * const metrics = await startMetricsServer(9464, '0.0.0.0');
 * // curl http://localhost:9464/metrics
 * await metrics.close();
 */
export async function startMetricsServer(port: number, host = '0.0.0.0'): Promise<MetricsServer> {
  // Registering them twice throws; several apps in one process (tests) share them.
  if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics();
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
      return;
    }
    register.metrics().then(
      (text) => response.writeHead(200, { 'content-type': register.contentType, 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : text),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await listen(server, port, host);
  const bound = (server.address() as AddressInfo).port;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    port: bound,
    url: `http://${shown}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
