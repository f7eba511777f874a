import type { InjectionToken, OptionalFactoryDependency, Provider } from '@nestjs/common';

/** What `registerAsync` of a built-in provider takes: a factory of its options and what to inject into it. */
export interface TokenProviderAsyncOptions<O> {
  /** Answers the options, or `undefined` to register the provider switched off (its routes answer 404). */
  useFactory: (...args: any[]) => O | undefined | Promise<O | undefined>;
  inject?: (InjectionToken | OptionalFactoryDependency)[];
}

/**
 * The base of the built-in providers: each is configured by one typed options
 * object and registered like any provider of yours, as a Nest provider in the
 * module that imports `TokenModule`, where discovery finds it. `undefined`
 * options register it switched off (`enabled` false: its routes answer 404), as
 * an app that enables vendors by environment does.
 *
 * @example
 * providers: [
 *   OpenAITokenProvider.register({ apiKey: process.env.OPENAI_API_KEY! }),
 *   DeepgramTokenProvider.registerAsync({ inject: [ConfigService], useFactory: (c: ConfigService) => ({ apiKey: c.getOrThrow('DEEPGRAM_API_KEY') }) }),
 * ]
 */
export abstract class ConfiguredTokenProvider<O> {
  /** False when registered without options. */
  readonly enabled: boolean;

  protected constructor(options: O | undefined) {
    this.enabled = options !== undefined;
  }

  /** This provider configured by `options`, as a Nest provider to list in a module's `providers`. */
  static register<O, P>(this: new (options: O | undefined) => P, options: O | undefined): Provider {
    return { provide: this, useFactory: () => new this(options) };
  }

  /** {@link register} with options made by a factory (from a `ConfigService`, say) when the app starts. */
  static registerAsync<O, P>(this: new (options: O | undefined) => P, async: TokenProviderAsyncOptions<O>): Provider {
    return { provide: this, useFactory: async (...deps: unknown[]) => new this(await async.useFactory(...deps)), inject: async.inject ?? [] };
  }
}
