import { eachPlatform } from '../support/platforms';
import { expectProblem } from '../support/expect-reply';
import { MISO, SENTIFYD, useRig } from '../support/rig';
import { type Reply } from '../support/http';

/** A refresh handle's look-alike in the query: no answer may echo it (finding 5). */
const PLANTED = 'pLaNtEdHaNdLe0123456789abcdefghijklmnopqrstu';

/** Headers every answer on a token path carries, whatever the method or path variant. */
function expectTokenHeaders(reply: Reply): void {
  expect({ cacheControl: reply.headers['cache-control'], pragma: reply.headers.pragma, nosniff: reply.headers['x-content-type-options'] }).toEqual({
    cacheControl: 'no-store',
    pragma: 'no-cache',
    nosniff: 'nosniff',
  });
  expect(JSON.stringify(reply.headers) + reply.text).not.toContain(PLANTED);
}

eachPlatform((platform) => {
  describe('every answer on a token path (finding 5)', () => {
    const rig = useRig('all', { TOKEN_ALLOWED_ORIGINS: 'https://app.example' });

    it.each([MISO, SENTIFYD])('OPTIONS on %s carries no-store, no-cache and nosniff', async (path) => {
      const reply = await rig.client.send(`${path}?refreshToken=${PLANTED}`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      });
      expect(reply.status).toBe(204);
      expectTokenHeaders(reply);
    });

    it.each(['PUT', 'DELETE', 'PATCH'])('%s is 405 with Allow, problem+json, never echoing the URL', async (method) => {
      for (const path of [MISO, SENTIFYD]) {
        const reply = await rig.client.send(`${path}?refreshToken=${PLANTED}`, { method, headers: rig.auth('alice') });
        expectProblem(reply, 405);
        expect(reply.headers.allow).toBe('GET, POST, OPTIONS');
        expectTokenHeaders(reply);
      }
    });

    // Express routes a trailing slash and other case to the route; Fastify does not, and answers 404.
    it.each([`${MISO}/`, MISO.toUpperCase(), `${SENTIFYD}/`, SENTIFYD.toUpperCase()])('%s answers as the platform routes it, with the token headers', async (path) => {
      for (const method of ['GET', 'POST']) {
        const reply = await rig.client.send(`${path}?refreshToken=${PLANTED}`, { method, headers: rig.auth('alice') });
        expectTokenHeaders(reply);
        expect(reply.headers['content-type']).toMatch(/json/);
        if (platform === 'fastify') expectProblem(reply, 404);
        else expect([200, 400, 401]).toContain(reply.status);
      }
    });

    it('leaves other paths of the app alone', async () => {
      const reply = await rig.client.send('/health/live', { method: 'PUT' });
      expect(reply.status).toBe(404);
      expect(reply.headers.allow).toBeUndefined();
    });
  });
});
