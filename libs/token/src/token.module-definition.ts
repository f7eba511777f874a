import { ConfigurableModuleBuilder } from '@nestjs/common';
import { RoutePlan } from './http/route-plan';
import { createTokenController } from './http/token.controller';
import { TOKEN_MODULE_OPTIONS, TOKEN_ROUTES } from './token.constants';
import type { TokenModuleExtras, TokenModuleOptions } from './token-module-options';

/**
 * The builder behind `TokenModule.forRoot` / `forRootAsync` (factory method
 * `createTokenOptions`), with `isGlobal` and `routes` as extras.
 */
export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } = new ConfigurableModuleBuilder<TokenModuleOptions>({
  optionsInjectionToken: TOKEN_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createTokenOptions')
  // Routes are extras, not options: Nest mounts routes before async options resolve.
  .setExtras<TokenModuleExtras>({ isGlobal: false, routes: [] }, (definition, extras) => {
    const routes = extras.routes ?? [];
    const controllers = routes.map(createTokenController);
    // The routes' plans are made per app (each binds its app's provider), shared there by controller, guard and hooks.
    const plans = { provide: TOKEN_ROUTES, useFactory: () => routes.map((route, i) => RoutePlan.mounted(route, controllers[i])) };
    return { ...definition, global: extras.isGlobal, controllers, providers: [...(definition.providers ?? []), plans] };
  })
  .build();

/** What `TokenModule.forRootAsync` takes: `useFactory`/`useClass`/`useExisting`, `imports`, `inject`, and the extras. */
export type TokenModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
