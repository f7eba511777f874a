import { eachPlatform } from '../support/platforms';
import { expectProblem } from '../support/expect-reply';
import { MISO, SENTIFYD, startRig, useRig, type Rig } from '../support/rig';
import { type Reply } from '../support/http';

const APP = 'https://app.example';

eachPlatform(() => {
  describe('CORS from TOKEN_ALLOWED_ORIGINS', () => {
    const preflight = (path: string, origin: string): Promise<Reply> =>
      rig.client.send(path, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });

    const rig = useRig('all', { TOKEN_ALLOWED_ORIGINS: `${APP}, http://localhost:*` });

    it.each([MISO, SENTIFYD])('a preflight to %s from a listed origin is allowed, with credentials', async (path) => {
      const reply = await preflight(path, APP);
      expect(reply.status).toBeLessThan(300);
      expect(reply.headers['access-control-allow-origin']).toBe(APP);
      expect(reply.headers['access-control-allow-credentials']).toBe('true');
      expect(reply.headers['access-control-allow-methods']).toMatch(/POST/);
      expect(reply.headers['access-control-allow-headers']?.toLowerCase()).toMatch(/authorization/);
      expect(reply.headers.vary?.toLowerCase()).toMatch(/origin/);
    });

    it('an any-port entry echoes the exact origin asked from', async () => {
      const reply = await preflight(MISO, 'http://localhost:5173');
      expect(reply.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    });

    it.each(['https://evil.example', 'https://app.example.evil.com', 'http://app.example', 'null', 'https://app.example:8443'])(
      'a preflight from %s gets no Access-Control-Allow-Origin',
      async (origin) => {
        const reply = await preflight(MISO, origin);
        expect(reply.headers['access-control-allow-origin']).toBeUndefined();
        expect(reply.headers['access-control-allow-credentials']).not.toBe('true');
      },
    );

    it('actual responses echo only listed origins, never *', async () => {
      const allowed = await rig.client.get(MISO, { origin: APP });
      expect(allowed.status).toBe(200);
      expect(allowed.headers['access-control-allow-origin']).toBe(APP);
      expect(allowed.headers['access-control-allow-credentials']).toBe('true');
      const foreign = await rig.client.get(MISO, { origin: 'https://evil.example' });
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
      const error = await rig.client.get(SENTIFYD, { origin: APP });
      expectProblem(error, 401);
      expect(error.headers['access-control-allow-origin']).toBe(APP);
      const none = await rig.client.get(MISO);
      expect(none.headers['access-control-allow-origin']).toBeUndefined();
      for (const text of rig.client.transcript) expect(text).not.toMatch(/"access-control-allow-origin":"\*"/);
    });
  });

  describe('origin checks from MISO_ALLOWED_ORIGINS', () => {
    let rig: Rig;

    beforeAll(async () => {
      rig = await startRig({ MISO_ALLOWED_ORIGINS: `${APP}/,HTTP://LocalHost:*` });
    });
    afterAll(() => rig.close());

    // Refusals first, while the cache is cold: a request let through would call the upstream.
    it.each([
      ['no Origin or Referer', {}],
      ['a foreign Origin', { origin: 'https://evil.example' }],
      ['a look-alike host', { origin: 'https://app.example.evil.com' }],
      ['another scheme', { origin: 'http://app.example' }],
      ['another port', { origin: 'https://app.example:8443' }],
      ['https on an http-only any-port entry', { origin: 'https://localhost:5173' }],
      ['a foreign Referer', { referer: 'https://evil.example/?https://app.example' }],
      ['a foreign Origin with a listed Referer', { origin: 'https://evil.example', referer: `${APP}/` }],
      ['a Referer that is not a URL', { referer: 'app.example' }],
      ['Origin: null alone', { origin: 'null' }],
    ])('%s → 403 problem+json, upstream untouched (cold cache)', async (_name, headers) => {
      const before = rig.upstreams.miso.count;
      for (const method of ['GET', 'POST']) {
        expectProblem(await rig.client.send(MISO, { method, headers }), 403);
      }
      expect(rig.upstreams.miso.count).toBe(before);
    });

    it.each([
      ['Origin listed', { origin: APP }],
      ['Origin in other case', { origin: 'HTTPS://APP.Example' }],
      ['Origin with a trailing slash', { origin: `${APP}/` }],
      ['Referer of a listed origin', { referer: `${APP}/some/page?x=1` }],
      ['localhost on any port', { origin: 'http://localhost:5173' }],
      ['localhost, no port', { origin: 'http://localhost' }],
    ])('%s → 200', async (_name, headers) => {
      const reply = await rig.client.get(MISO, headers);
      expect(reply.status).toBe(200);
      expect(reply.body.token).toEqual(expect.any(String));
    });

    it('leaves the Sentifyd route (no list of its own) open to any origin', async () => {
      const reply = await rig.client.get(SENTIFYD, { origin: 'https://evil.example', ...rig.auth('alice') });
      expect(reply.status).toBe(200);
    });
  });
});
