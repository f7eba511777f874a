import { ConfigurableModuleBuilder } from '@nestjs/common';
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
    return {
      ...definition,
      global: extras.isGlobal,
      controllers: routes.map(createTokenController),
      providers: [...(definition.providers ?? []), { provide: TOKEN_ROUTES, useValue: routes }],
    };
  })
  .build();

/** What `TokenModule.forRootAsync` takes: `useFactory`/`useClass`/`useExisting`, `imports`, `inject`, and the extras. */
export type TokenModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
