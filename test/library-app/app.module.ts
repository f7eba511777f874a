import { Controller, Get, Module, UseGuards, type DynamicModule, type INestApplication } from '@nestjs/common';
import { Public, TokenGuard, TokenModule, TokenService, type TokenRouteOptions } from 'nestjs-token-broker';
import { DeepgramTokenProvider } from 'nestjs-token-broker/deepgram';
import type { FakeClock } from 'nestjs-token-broker/testing';
import { CaptureLogger } from '../support/capture-logger';
import { createOnPlatform } from '../support/platforms';
import { WEATHER_URL, WeatherTokenProvider } from './weather.provider';

/** A route of the app's own that hands out the weather token in its own shape, through the service. */
@Controller()
class ForecastController {
  constructor(private readonly tokens: TokenService) {}

  @Get('forecast/token')
  @Public()
  @UseGuards(TokenGuard)
  async token() {
    const { body } = await this.tokens.issue('weather', {});
    return { forecastToken: (body as { token: string }).token };
  }
}

/** What the fixture app is pointed at. */
export interface LibraryAppOptions {
  clock: FakeClock;
  weatherUrl: string;
  /** A Deepgram stand-in: registers the built-in provider, with its route. */
  deepgramUrl?: string;
  routes?: TokenRouteOptions[];
}

/**
 * The library-level fixture app (as `@nestjs/throttler` has one): the library
 * alone, no example app, no environment. A provider of its own and a built-in
 * one, registered the same way, and a controller of its own using the service.
 */
@Module({})
export class LibraryAppModule {
  static forRoot(options: LibraryAppOptions): DynamicModule {
    const routes: TokenRouteOptions[] = options.routes ?? [
      { path: '/api/weather-token', provider: 'weather', access: 'public' },
      ...(options.deepgramUrl ? [{ path: '/api/deepgram-token', provider: 'deepgram', access: 'public' as const }] : []),
    ];
    return {
      module: LibraryAppModule,
      imports: [TokenModule.forRoot({ clock: options.clock, rateLimit: { perMinute: 0 }, routes })],
      controllers: [ForecastController],
      providers: [
        WeatherTokenProvider,
        { provide: WEATHER_URL, useValue: options.weatherUrl },
        ...(options.deepgramUrl ? [DeepgramTokenProvider.register({ apiKey: 'dg-key', baseUrl: options.deepgramUrl })] : []),
      ],
    };
  }
}

/** The fixture app on the spec block's platform, listening on a free loopback port. */
export async function bootLibraryApp(options: LibraryAppOptions): Promise<{ app: INestApplication; url: string }> {
  const app = await createOnPlatform(LibraryAppModule.forRoot(options) as never, new CaptureLogger());
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}
