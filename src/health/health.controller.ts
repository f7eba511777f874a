import { Controller, Get, Res } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { TokenStoreHealthIndicator } from 'nestjs-token-broker/health';

/** Headers set before the check runs, so the 503 of a failed check carries them too. */
interface HeaderTarget {
  header(name: string, value: string): unknown;
}

/**
 * Kubernetes-style probes in terminus's JSON format, never cached. They are
 * not token routes: no rate limit, no request log line.
 *
 * - `/health/live`: the process answers (restart it when this fails).
 * - `/health/ready`: the token store answers (take the instance out of the
 *   load balancer while it does not; it reconnects by itself).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly store: TokenStoreHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live(@Res({ passthrough: true }) response: HeaderTarget): Promise<HealthCheckResult> {
    noStore(response);
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready(@Res({ passthrough: true }) response: HeaderTarget): Promise<HealthCheckResult> {
    noStore(response);
    return this.health.check([() => this.store.isHealthy('store', 1_000)]);
  }
}

// Express' response and Fastify's reply both have header(name, value).
function noStore(response: HeaderTarget): void {
  response.header('Cache-Control', 'no-store');
  response.header('Pragma', 'no-cache');
}
