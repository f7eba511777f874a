import type { INestApplication } from '@nestjs/common';
import { createApp } from '../src/app.factory';
import { ensureBrowserClientBuilt } from './support/browser';
import { CaptureLogger } from './support/capture-logger';
import { startUpstreams, type Upstreams } from './support/harness';
import { currentPlatform, eachPlatform } from './support/platforms';

/** The demo page's routes, without a browser: content types on both platforms, and never in production. */
eachPlatform(() => {
  describe('demo routes', () => {
    let upstreams: Upstreams;
    const apps: INestApplication[] = [];
    const boot = async (env: Record<string, string>) => {
      const app = await createApp({ ...upstreams.env, HTTP_ADAPTER: currentPlatform(), ...env }, { logger: new CaptureLogger(), demo: { bearer: 'demo.bearer.jwt' } });
      apps.push(app);
      await app.listen(0, '127.0.0.1');
      return (await app.getUrl()).replace('[::1]', '127.0.0.1');
    };

    beforeAll(async () => {
      ensureBrowserClientBuilt();
      upstreams = await startUpstreams();
    }, 200_000);
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()));
      await upstreams.close();
    });

    it('serves the page as HTML, its scripts as JavaScript and the demo bearer on POST /demo/session', async () => {
      const url = await boot({});
      const page = await fetch(`${url}/`);
      expect([page.status, page.headers.get('content-type'), page.headers.get('cache-control')]).toEqual([200, 'text/html; charset=utf-8', 'no-store']);
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      const script = await fetch(`${url}/demo/token-client.js`);
      expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
      const css = await fetch(`${url}/demo.css`);
      expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
      expect((await fetch(`${url}/demo/other.js`)).status).toBe(404);
      const session = await fetch(`${url}/demo/session`, { method: 'POST' });
      expect([session.status, await session.json()]).toEqual([200, { bearer: 'demo.bearer.jwt' }]);
    });

    it.each(['production', 'Production'])('is never mounted with NODE_ENV=%s, even when asked for', async (nodeEnv) => {
      const url = await boot({ NODE_ENV: nodeEnv });
      expect((await fetch(`${url}/`)).status).toBe(404);
      expect((await fetch(`${url}/demo/session`, { method: 'POST' })).status).toBe(404);
    });

    it('is not mounted unless main.ts hands it the sandbox (no demo option, no page, no sign-in route)', async () => {
      const app = await createApp({ ...upstreams.env, HTTP_ADAPTER: currentPlatform() }, { logger: new CaptureLogger() });
      apps.push(app);
      await app.listen(0, '127.0.0.1');
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      expect((await fetch(`${url}/`)).status).toBe(404);
      expect((await fetch(`${url}/demo/session`, { method: 'POST' })).status).toBe(404);
    });
  });
});
