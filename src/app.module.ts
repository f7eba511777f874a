import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { TokenModule, type TokenRouteOptions } from 'nestjs-token-broker';
import { TokenStoreHealthIndicator } from 'nestjs-token-broker/health';
import type { AppEnv } from './config/env.schema';
import { tokenOptionsFromEnv } from './config/token-options';
import { catalogueProviders, splitOverrides, type AppOverrides } from './config/token-providers';
import { HealthController } from './health/health.controller';
import { GracefulShutdown } from './lifecycle/graceful-shutdown';
import { MetricsListener } from './metrics/metrics-listener';
import type { DemoOptions } from './demo/demo.controller';
import { DemoModule } from './demo/demo.module';

/**
 * The routes of the example app. Miso's is also at the Miso browser SDK's
 * default `clientTokenUri`, so the SDK works with no option set.
 */
export function appRoutes(env: Pick<AppEnv, 'TOKEN_ALLOWED_ORIGINS'>): TokenRouteOptions[] {
  const cors = env.TOKEN_ALLOWED_ORIGINS;
  return [
    { path: ['/api/client-token', '/api/v1/auth/client-token'], provider: 'miso', access: 'public', cors },
    { path: '/request_tokens', provider: 'sentifyd', access: 'signed-in', cors },
    // Per-request providers: every answer is an upstream call billed to the key, hence 10 a minute per user.
    { path: '/api/openai/realtime-token', provider: 'openai', access: 'signed-in', cors, rateLimit: { perMinute: 10 } },
    { path: '/api/gemini/live-token', provider: 'gemini', access: 'signed-in', cors, rateLimit: { perMinute: 10 } },
    { path: '/api/deepgram/token', provider: 'deepgram', access: 'signed-in', cors, rateLimit: { perMinute: 10 } },
    { path: '/api/assemblyai/token', provider: 'assemblyai', access: 'signed-in', cors, rateLimit: { perMinute: 10 } },
    { path: '/api/elevenlabs/signed-url', provider: 'elevenlabs', access: 'signed-in', cors, rateLimit: { perMinute: 10 } },
    // Shared providers: one grant for the whole app, like Miso's.
    { path: '/api/azure-speech/token', provider: 'azure-speech', access: 'signed-in', cors },
    { path: '/api/oauth2/token', provider: 'oauth2', access: 'signed-in', cors },
  ];
}

/**
 * The example app: the token routes, configured by the environment alone,
 * with JWTs (HS256 with a secret, or an identity provider's JWKS) in a bearer
 * or a session cookie as its notion of a signed-in user (src/auth).
 */
@Module({})
export class AppModule {
  /**
   * The app for a checked environment; `overrides` lets tests pass a clock, a
   * store or a provider's options. `demo` (given by `main.ts` in sandbox mode
   * only, `SANDBOX=1`) adds the demo page and its sign-in route; it is ignored
   * with `NODE_ENV=production` in any case, where `/` stays 404.
   */
  static forRoot(env: AppEnv, overrides: AppOverrides = {}, demo?: DemoOptions): DynamicModule {
    const { module, catalogue } = splitOverrides(overrides);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, skipProcessEnv: true, load: [() => ({ app: env })] }),
        TokenModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => tokenOptionsFromEnv(config.getOrThrow<AppEnv>('app'), module),
          routes: appRoutes(env),
        }),
        ...(demo && env.NODE_ENV?.toLowerCase() !== 'production' ? [DemoModule.forRoot(demo)] : []),
        TerminusModule.forRoot(),
      ],
      // Operations: probes, the /metrics listener (METRICS_PORT only) and a bounded drain on shutdown.
      controllers: [HealthController],
      providers: [
        // The built-in token providers, each on or off by its variables; TokenModule discovers them.
        ...catalogueProviders(env, catalogue),
        TokenStoreHealthIndicator,
        GracefulShutdown,
        { provide: MetricsListener, useFactory: () => new MetricsListener(env.METRICS_PORT, env.HOST) },
      ],
    };
  }
}
