import { createHmac } from 'node:crypto';
import { startUpstreams, bootApp, type RunningApp, type Upstreams } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { JwksServer, makeKey, signWith, type TestKey } from './jwks-server';
import { Client } from '../support/http';
import { SENTIFYD } from '../support/rig';
import { expectProblem } from '../support/expect-reply';

const ISSUER = 'https://idp.example/';
const AUDIENCE = 'token-broker';
const COOKIE = 'idp_session';
const SECOND = 1000;

/**
 * Only Date is faked (jose's cache and cooldown read Date.now(); sockets,
 * timers and the app keep running): the 30 s cooldown and the 10 min cache
 * age are crossed by moving the clock, never by waiting.
 */
function fakeDateOnly(): void {
  jest.useFakeTimers({
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
}
const later = (ms: number) => jest.setSystemTime(Date.now() + ms);

eachPlatform(() => {
  describe('sign-in with an identity provider\'s JWKS (AUTH_JWKS_URL)', () => {
    let upstreams: Upstreams;
    let jwks: JwksServer;
    let running: RunningApp;
    let client: Client;
    const rsa = makeKey('RS256');
    const ec = makeKey('ES256');
    const ed = makeKey('EdDSA');
    const ps = makeKey('PS256');
    const token = (key: Pick<TestKey, 'kid' | 'alg' | 'privateKey'>, claims: Record<string, unknown> = {}) =>
      signWith(key, { iss: ISSUER, aud: AUDIENCE, ...claims });
    const status = async (jwt: string, headers: Record<string, string> = {}) =>
      (await client.get(SENTIFYD, { authorization: `Bearer ${jwt}`, ...headers })).status;

    beforeAll(async () => {
      fakeDateOnly();
      upstreams = await startUpstreams();
      jwks = await JwksServer.start([rsa, ec, ed, ps]);
      const env: Record<string, string | undefined> = { ...upstreams.env, AUTH_JWT_SECRET: undefined };
      running = await bootApp({ ...env, AUTH_JWKS_URL: jwks.url, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE, AUTH_COOKIE: COOKIE });
      client = new Client(running.url);
    });
    afterAll(async () => {
      await running?.close();
      await jwks?.close();
      await upstreams?.close();
      jest.useRealTimers();
    });

    it('fetches the JWKS on first use only, then verifies RS256, ES256, EdDSA and PS256 from the cache', async () => {
      expect(jwks.fetches).toBe(0);
      expect(await status(await token(rsa))).toBe(200);
      expect(jwks.fetches).toBe(1);
      const many = await Promise.all(Array.from({ length: 20 }, async () => status(await token(ec))));
      expect(many).toEqual(Array(20).fill(200));
      expect(await status(await token(ed))).toBe(200);
      expect(await status(await token(ps))).toBe(200);
      expect(jwks.fetches).toBe(1);
    });

    it('refuses HS* (even keyed with the published key), alg none, and a wrong iss or aud, without a fetch', async () => {
      const [head, body] = (await token(rsa)).split('.');
      const hsHead = Buffer.from(JSON.stringify({ alg: 'HS256', kid: rsa.kid, typ: 'JWT' })).toString('base64url');
      const confused = `${hsHead}.${body}.${createHmac('sha256', JSON.stringify(rsa.jwk)).update(`${hsHead}.${body}`).digest('base64url')}`;
      const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${body}.`;
      expect(head.length).toBeGreaterThan(0);
      expect(await status(confused)).toBe(401);
      expect(await status(none)).toBe(401);
      expect(await status(await token(rsa, { iss: 'https://other-idp.example/' }))).toBe(401);
      expect(await status(await token(rsa, { aud: 'another-app' }))).toBe(401);
      expect(await status(await token(rsa, {}), {})).toBe(200);
      expect(jwks.fetches).toBe(1);
    });

    it('signs in by the cookie too, with the CSRF rule', async () => {
      const cookie = `${COOKIE}=${await token(ec)}`;
      expect((await client.get(SENTIFYD, { cookie, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
      const foreign = await client.get(SENTIFYD, { cookie, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
      expectProblem(foreign, 403);
      expect(foreign.body.error).toBe('csrf_rejected');
    });

    it('an unknown kid refetches at most once per 30 s; a rotated-in key verifies after it', async () => {
      const next = makeKey('RS256');
      jwks.keys = [rsa, ec, ed, ps, next];
      // Within 30 s of the last fetch: no refetch, the new key is not known yet.
      expect(await status(await token(next))).toBe(401);
      expect(jwks.fetches).toBe(1);
      later(31 * SECOND);
      expect(await status(await token(next))).toBe(200);
      expect(jwks.fetches).toBe(2);
      const stranger = makeKey('ES256'); // never published
      const storm = await Promise.all(Array.from({ length: 10 }, async () => status(await token(stranger))));
      expect(storm).toEqual(Array(10).fill(401));
      expect(jwks.fetches).toBe(2);
      later(31 * SECOND);
      expect(await Promise.all([token(stranger), token(stranger)].map(async (t) => status(await t)))).toEqual([401, 401]);
      expect(jwks.fetches).toBe(3);
    });

    it('JWKS unreachable: cached keys still verify, others are 401 (never 500), one attempt per 30 s', async () => {
      const stranger = makeKey('RS256');
      jwks.mode = 'error';
      later(31 * SECOND);
      expect(await status(await token(rsa))).toBe(200); // cached and fresh: no fetch
      expect(jwks.fetches).toBe(3);
      expect(await status(await token(stranger))).toBe(401); // tries once, fails
      expect(jwks.fetches).toBe(4);
      expect(await status(await token(stranger))).toBe(401); // no second try within 30 s
      expect(jwks.fetches).toBe(4);
      jwks.mode = 'reset';
      later(11 * 60 * SECOND); // the cache is stale now: one attempt, then the keys last fetched
      expect(await status(await token(ec))).toBe(200);
      expect(jwks.fetches).toBe(5);
      expect(await Promise.all([token(rsa), token(ed), token(stranger)].map(async (t) => status(await t)))).toEqual([200, 200, 401]);
      expect(jwks.fetches).toBe(5);
    });

    it('JWKS back: the next refetch drops a removed key', async () => {
      jwks.mode = 'ok';
      jwks.keys = [rsa];
      later(31 * SECOND);
      expect(await status(await token(rsa))).toBe(200); // stale: refetched now
      expect(jwks.fetches).toBe(6);
      expect(await status(await token(ec))).toBe(401);
      expect(running.logger.lines.join('\n')).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT in any log line
    });
  });
});
