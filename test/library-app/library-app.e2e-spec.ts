import type { INestApplication } from '@nestjs/common';
import { FakeClock, startDeepgramSimulator, UpstreamSimulator, type SimulatorMode } from 'nestjs-token-broker/testing';
import { eachPlatform } from '../support/platforms';
import { bootLibraryApp } from './app.module';
import { expectNoStore, expectProblem } from '../support/expect-reply';
import { recordMethods, closeAll } from '../support/harness';
import { send, METHODS, type Method } from '../support/http';

const ROUTE = '/api/weather-token';

eachPlatform(() => {
  describe.each(METHODS)('%s the library-level app: its own provider and a built-in one, registered alike', (method: Method) => {
    let weather: UpstreamSimulator;
    let deepgram: UpstreamSimulator;
    let app: INestApplication;
    let url: string;
    let clock: FakeClock;

    beforeEach(async () => {
      clock = new FakeClock();
      deepgram = await startDeepgramSimulator({ apiKey: 'dg-key', clock });
      weather = await new UpstreamSimulator((_call, n) => ({ status: 200, body: { access_token: `wx-${n}`, expires_in: 600 } })).start();
      ({ app, url } = await bootLibraryApp({ clock, weatherUrl: weather.url, deepgramUrl: deepgram.url }));
    });
    afterEach(() => closeAll([app, weather, deepgram]));

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

    it('serves a built-in provider registered with register(options), the same way as its own', async () => {
      const reply = await send(url, '/api/deepgram-token', method);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ token: expect.any(String), expiresIn: expect.any(Number), expiresAt: expect.any(String) });
      expect(deepgram.calls[0].headers.authorization).toBe('Token dg-key');
    });

    it("serves the app's own route through TokenService, sharing the route's grant", async () => {
      const own = await send(url, '/forecast/token', 'GET');
      const route = await send(url, ROUTE, method);
      expect(own.body).toEqual({ forecastToken: route.body.token });
      expect(weather.count).toBe(1);
    });
  });

  it('refuses to start when a route names a provider nobody registered', async () => {
    const clock = new FakeClock();
    const routes = [{ path: '/api/x', provider: 'nobody', access: 'public' as const }];
    await expect(bootLibraryApp({ clock, weatherUrl: 'http://127.0.0.1:9', routes })).rejects.toThrow(/names unknown provider "nobody"/);
  });
});
