import { TokenModule, type TokenModuleOptions, type TokenRouteOptions } from '@app/token';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import type { AppEnv } from './config/env.schema';
import { tokenOptionsFromEnv } from './config/token-options';

/** The routes of the example app (contract: "Routes of the example app"). */
export const APP_ROUTES: TokenRouteOptions[] = [
  { path: '/api/client-token', provider: 'miso', access: 'public' },
  { path: '/request_tokens', provider: 'sentifyd', access: 'signed-in' },
];

/**
 * The example app: both token routes, configured by the environment alone,
 * with HS256 bearer JWTs as its notion of a signed-in user.
 */
@Module({})
export class AppModule {
  /** The app for a checked environment; `overrides` lets tests pass a clock or a store. */
  static forRoot(env: AppEnv, overrides: Partial<TokenModuleOptions> = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, skipProcessEnv: true, load: [() => ({ app: env })] }),
        // Without a secret no token verifies (Sentifyd, the only signed-in route, is then off).
        JwtModule.register({ secret: env.AUTH_JWT_SECRET ?? randomBytes(32).toString('hex') }),
        TokenModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => tokenOptionsFromEnv(config.getOrThrow<AppEnv>('app'), overrides),
          routes: APP_ROUTES,
        }),
      ],
    };
  }
}
