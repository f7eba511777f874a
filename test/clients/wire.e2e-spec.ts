import { bearer, bootApp, startUpstreams, type RunningApp, type Upstreams, closeAll } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { MISO_PATHS, misoHeaders, sentifydEndpoint, withRefreshToken } from './replay';
import { request as httpRequest } from 'node:http';
import { rawSend, type Framing, type Reply } from '../support/http';

/**
 * The seeds' clients at the HTTP level, without a browser: their requests sent
 * with node:http exactly as docs/clients.md records them (empty-bodied JSON POSTs,
 * chunked zero bytes, the web component's URL with its own query), on both
 * platforms. An empty body must answer exactly as a GET does.
 */
const PAGE = 'http://localhost:5173';

/** A reply minus what differs between two answers of one grant (the Sentifyd handle is per request). */
function comparable(reply: Reply) {
  const body = reply.body?.tokens ? { ...reply.body, tokens: { ...reply.body.tokens, refreshToken: typeof reply.body.tokens.refreshToken } } : reply.body;
  return { status: reply.status, type: reply.headers['content-type'], cache: reply.headers['cache-control'], body };
}

eachPlatform(() => {
  let upstreams: Upstreams;
  let running: RunningApp;
  const misoLogins = () => upstreams.miso.calls.length;

  beforeAll(async () => {
    upstreams = await startUpstreams();
    running = await bootApp({ ...upstreams.env, MISO_ALLOWED_ORIGINS: PAGE });
  });
  afterAll(() => closeAll([running, upstreams]));

  describe.each(MISO_PATHS)('Miso DataClient on %s', (path) => {
    it.each<Framing>(['length-0', 'chunked-0'])('its POST with Content-Type: application/json and no body (%s) answers exactly as a GET', async (framing) => {
      const get = await rawSend(running.url, 'GET', path, { origin: PAGE }, 'none');
      const post = await rawSend(running.url, 'POST', path, misoHeaders(PAGE), framing);
      expect(get.status).toBe(200);
      expect(comparable(post)).toEqual(comparable(get));
      expect(post.body.config.clientTokenUri).toBe(path);
    });

    it.each(['application/json; charset=latin1', 'application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream'])(
      'an empty body is no body whatever Content-Type says (%s)',
      async (type) => {
        for (const framing of ['length-0', 'chunked-0'] as const) {
          const post = await rawSend(running.url, 'POST', path, { 'content-type': type, origin: PAGE }, framing);
          expect({ type, framing, status: post.status }).toEqual({ type, framing, status: 200 });
          expect(post.body.token).toEqual(expect.any(String));
        }
      },
    );

    it('then its later POSTs (getEnvironmentToken, five at once) all get the one shared token', async () => {
      const first = await rawSend(running.url, 'POST', path, misoHeaders(PAGE), 'length-0');
      const later = await Promise.all(Array.from({ length: 5 }, () => rawSend(running.url, 'POST', first.body.config.clientTokenUri, misoHeaders(PAGE), 'length-0')));
      expect(later.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200]);
      expect(new Set(later.map((reply) => reply.body.token))).toEqual(new Set([first.body.token]));
      expect(misoLogins()).toBe(1);
    });
  });

  describe('the origin check comes before the body', () => {
    it.each<[string, Record<string, string>, string]>([
      ['a body that is not JSON', { 'content-type': 'application/json' }, '{not json'],
      ['a charset we do not take', { 'content-type': 'application/json; charset=latin1' }, '{}'],
      ['a body over the limit', { 'content-type': 'application/json' }, JSON.stringify({ pad: 'x'.repeat(20_000) })],
    ])('a foreign origin with %s is 403, never 400 or 415', async (_name, headers, body) => {
      const reply = await fetch(new URL(MISO_PATHS[1], running.url), { method: 'POST', headers: { ...headers, origin: 'https://evil.example' }, body });
      expect({ status: reply.status, error: ((await reply.json()) as { error: string }).error }).toEqual({ status: 403, error: 'origin_not_allowed' });
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('a foreign origin is answered 403 before its body is read: headers alone, the body never sent', async () => {
      // Were the body read first, the server would wait for 4,000 bytes that never come (then close: no answer at all).
      const reply = await new Promise<{ status: number; error: string }>((resolve, reject) => {
        const url = new URL(MISO_PATHS[1], running.url);
        const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '4000', origin: 'https://evil.example' } }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, error: JSON.parse(text).error }));
        });
        request.on('error', reject);
        request.flushHeaders();
      });
      expect(reply).toEqual({ status: 403, error: 'origin_not_allowed' });
    });

    it('an allowed origin with a broken body still gets its 400', async () => {
      const reply = await fetch(new URL(MISO_PATHS[1], running.url), { method: 'POST', headers: { 'content-type': 'application/json', origin: PAGE }, body: '{not json' });
      expect(reply.status).toBe(400);
    });
  });

  describe('<sentifyd-bot> on its token_endpoint', () => {
    const auth = () => ({ authorization: bearer(upstreams.secrets.jwtSecret, 'visitor-1') });

    it('takes the plugin URL as it is (avatar_id, _wpnonce, a cache buster), then the same URL with &refreshToken= appended', async () => {
      const endpoint = sentifydEndpoint('avtr_wp');
      const first = await rawSend(running.url, 'GET', endpoint, auth(), 'none');
      expect(first.status).toBe(200);
      expect(first.body.avatarParameters.avatarId).toBe('avtr_wp');
      const refreshed = await rawSend(running.url, 'GET', withRefreshToken(endpoint, first.body.tokens.refreshToken), auth(), 'none');
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.tokens.refreshToken).not.toBe(first.body.tokens.refreshToken);
      expect(refreshed.body.avatarParameters.avatarId).toBe('avtr_wp');
      expect(running.logger.lines.join('\n')).not.toContain('_wpnonce');
    });

    it('a plain GET without Authorization (the component cannot add one) is 401 problem+json: sign-in is by cookie, see docs/sign-in.md', async () => {
      const reply = await rawSend(running.url, 'GET', sentifydEndpoint('avtr_wp'), {}, 'none');
      expect(reply.status).toBe(401);
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('a chunked JSON body with bytes is still read whole (the empty-body check only peeks)', async () => {
      const headers = { ...auth(), 'content-type': 'application/json' };
      const reply = await rawSend(running.url, 'POST', '/request_tokens', headers, 'chunked-0', ['{"avatar_id":', '"avtr_chunked"}']);
      expect(reply.status).toBe(200);
      expect(reply.body.avatarParameters.avatarId).toBe('avtr_chunked');
    });

    it.each<Framing>(['length-0', 'chunked-0'])('an empty-bodied JSON POST (%s) answers as its GET', async (framing) => {
      const get = await rawSend(running.url, 'GET', sentifydEndpoint('avtr_post'), auth(), 'none');
      const post = await rawSend(running.url, 'POST', sentifydEndpoint('avtr_post'), { ...auth(), 'content-type': 'application/json' }, framing);
      expect(comparable(post)).toEqual(comparable(get));
    });
  });
});
