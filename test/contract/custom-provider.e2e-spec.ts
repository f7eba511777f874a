import { RegisterTokenProvider, TokenModule, type IssuedToken, type ProviderUpstream, type TokenProvider } from 'nestjs-token-broker';
import { Inject, Injectable, Module, type INestApplication } from '@nestjs/common';
import { UpstreamSimulator, type SimulatorMode } from 'nestjs-token-broker/testing';
import { CaptureLogger } from '../support/capture-logger';
import { FakeClock } from 'nestjs-token-broker/testing';
import { expectNoStore, expectProblem, METHODS, recordMethods, send, type Method } from './http';
import { createOnPlatform, eachPlatform } from '../support/platforms';

const ROUTE = '/api/weather-token';
const WEATHER_URL = Symbol('WEATHER_URL');

/** A provider the library has never heard of, written as a user would. */
@RegisterTokenProvider()
@Injectable()
class WeatherTokenProvider implements TokenProvider {
  readonly name = 'weather';
  readonly scope = 'application';

  constructor(@Inject(WEATHER_URL) private readonly baseUrl: string) {}

  async fetchGrant(upstream: ProviderUpstream) {
    const body = (await upstream.postJson(`${this.baseUrl}/oauth/token`, { grant_type: 'client_credentials' })) as {
      access_token?: unknown;
      expires_in?: unknown;
    };
    if (typeof body?.access_token !== 'string' || typeof body.expires_in !== 'number') throw upstream.invalid();
    return { accessToken: body.access_token, expiresIn: body.expires_in };
  }

  render(issued: IssuedToken) {
    return { token: issued.grant.accessToken, expiresIn: issued.expiresIn };
  }
}

eachPlatform(() => {
  describe.each(METHODS)('%s a custom provider registered through DI', (method: Method) => {
    let weather: UpstreamSimulator;
    let app: INestApplication;
    let url: string;
    let clock: FakeClock;

    beforeEach(async () => {
      clock = new FakeClock();
      weather = await new UpstreamSimulator((_call, n) => ({ status: 200, body: { access_token: `wx-${n}`, expires_in: 600 } })).start();
      @Module({
        imports: [
          TokenModule.forRoot({
            clock,
            rateLimit: { perMinute: 0 },
            routes: [{ path: ROUTE, provider: 'weather', access: 'public' }],
          }),
        ],
        providers: [WeatherTokenProvider, { provide: WEATHER_URL, useValue: weather.url }],
      })
      class WeatherAppModule {}
      app = await createOnPlatform(WeatherAppModule, new CaptureLogger());
      await app.listen(0, '127.0.0.1');
      url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    });
    afterEach(async () => {
      await app?.close();
      await weather?.close();
    });

    it('serves its route through the upstream client', async () => {
      const methods = recordMethods(weather);
      const reply = await send(url, ROUTE, method);
      expect(reply.status).toBe(200);
      expectNoStore(reply);
      expect(reply.body).toEqual({ token: 'wx-1', expiresIn: expect.any(Number) });
      expect(reply.body.expiresIn).toBeGreaterThan(500);
      expect(reply.body.expiresIn).toBeLessThan(600);
      expect(methods).toEqual(['POST']);
      expect(weather.calls.map((call) => [call.path, JSON.parse(call.body)])).toEqual([['/oauth/token', { grant_type: 'client_credentials' }]]);
    });

    it('caches: many callers, cold and warm, make one upstream call until the grant nears expiry', async () => {
      const cold = await Promise.all(Array.from({ length: 20 }, () => send(url, ROUTE, method)));
      const warm = await Promise.all(Array.from({ length: 5 }, () => send(url, ROUTE, method)));
      expect(weather.count).toBe(1);
      for (const reply of [...cold, ...warm]) expect(reply.body.token).toBe('wx-1');
      clock.advance(600_000);
      expect((await send(url, ROUTE, method)).body.token).toBe('wx-2');
      expect(weather.count).toBe(2);
    });

    it.each<SimulatorMode>(['reject', 'fail', 'garbage', 'denied'])('answers 502 problem+json when the upstream answers %s', async (mode) => {
      weather.mode = mode;
      const reply = await send(url, ROUTE, method);
      expectProblem(reply, 502);
      expect(reply.text).not.toContain(weather.errorBody);
      // Failures are not cached: once the upstream recovers, so does the route.
      weather.mode = 'ok';
      clock.advance(2_000);
      expect((await send(url, ROUTE, method)).status).toBe(200);
    });
  });
});
