// Compiled into each consumer app beside the README's quick start (as src/integrations.ts):
// the optional integrations on the app's own majors, the terminus health indicator from
// `nestjs-token-broker/health` and the Redis store from `nestjs-token-broker/redis`.
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { RegisterTokenProvider, TokenModule, type IssuedToken, type TokenProvider, type UpstreamGrant } from 'nestjs-token-broker';
import { TokenStoreHealthIndicator } from 'nestjs-token-broker/health';
import { RedisTokenStore } from 'nestjs-token-broker/redis';

/** A provider with no upstream: each grant is numbered, so a shared, cached one is visible. */
@RegisterTokenProvider()
@Injectable()
export class StampTokenProvider implements TokenProvider {
  readonly name = 'stamp';
  readonly scope = 'application';
  readonly enabled = true;
  private minted = 0;

  async fetchGrant(): Promise<UpstreamGrant> {
    return { accessToken: `stamp-${++this.minted}`, expiresIn: 600 };
  }

  render(issued: IssuedToken) {
    return { token: issued.grant.accessToken };
  }
}

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly store: TokenStoreHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  ready() {
    return this.health.check([() => this.store.isHealthy('store')]);
  }
}

@Module({
  imports: [
    TerminusModule,
    TokenModule.forRoot({
      store: RedisTokenStore.fromUrl(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { prefix: process.env.STORE_PREFIX }),
      storeKey: process.env.STORE_KEY,
      routes: [{ path: '/api/stamp', provider: 'stamp', access: 'public' }],
    }),
  ],
  controllers: [HealthController],
  providers: [StampTokenProvider, TokenStoreHealthIndicator],
})
export class IntegrationsModule {}

async function bootstrap() {
  const app = await NestFactory.create(IntegrationsModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  console.log(`listening on ${await app.getUrl()}`);
}
void bootstrap();
