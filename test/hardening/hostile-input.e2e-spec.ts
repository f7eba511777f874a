import { eachPlatform } from '../support/platforms';
import { expectProblem } from '../support/expect-reply';
import { MISO, SENTIFYD, useRig } from '../support/rig';
import { type Reply } from '../support/http';

/**
 * Hostile input against both token routes. Every malformed request, huge
 * bodies included, is a 400 problem+json, never a 500, and never reaches an
 * upstream: the cache stays cold while the table runs, so a request that got
 * through would show up as an upstream call.
 */
type Method = 'GET' | 'POST';
/** route, method, query string, raw JSON body (POST only) */
type Row = [string, Method, string, string?];

const LONG = 'a'.repeat(4000);
const HOSTILE: Row[] = [
  // oversized and repeated
  [SENTIFYD, 'GET', `refreshToken=${LONG}`],
  [SENTIFYD, 'POST', '', JSON.stringify({ refreshToken: LONG })],
  [SENTIFYD, 'GET', 'refreshToken=a&refreshToken=b'],
  [SENTIFYD, 'GET', 'refreshToken=abc&refreshToken=abc'],
  [SENTIFYD, 'GET', 'avatar_id=a&avatar_id=b'],
  [SENTIFYD, 'POST', 'refreshToken=abc', '{"refreshToken":"xyz"}'],
  [SENTIFYD, 'GET', `avatar_id=${'b'.repeat(200)}`],
  [MISO, 'GET', `refreshToken=${LONG}`],
  [MISO, 'GET', 'refreshToken=a&refreshToken=b'],
  // arrays, objects, operator-looking keys, wrong types in JSON
  [SENTIFYD, 'POST', '', '{"refreshToken":["abc"]}'],
  [SENTIFYD, 'POST', '', '{"refreshToken":{"$ne":null}}'],
  [SENTIFYD, 'POST', '', '{"refreshToken":{"$gt":""}}'],
  [SENTIFYD, 'POST', '', '{"refreshToken":123}'],
  [SENTIFYD, 'POST', '', '{"avatar_id":{"$regex":".*"}}'],
  [SENTIFYD, 'POST', '', '{"avatar_id":["a","b"]}'],
  [MISO, 'POST', '', '{"refreshToken":{"$ne":null}}'],
  [MISO, 'POST', '', '{"refreshToken":["abc"]}'],
  // control characters and NUL
  [SENTIFYD, 'GET', 'refreshToken=%00'],
  [SENTIFYD, 'GET', 'refreshToken=abc%0d%0aSet-Cookie:%20x=1'],
  [SENTIFYD, 'GET', 'refreshToken=abc%20def'],
  [SENTIFYD, 'POST', '', '{"refreshToken":"abc\\u0000def"}'],
  [SENTIFYD, 'GET', 'avatar_id=%00'],
  [SENTIFYD, 'GET', 'avatar_id=avtr%0d%0aX-Injected:%201'],
  [SENTIFYD, 'POST', '', '{"avatar_id":"avtr\\u0000"}'],
  [MISO, 'GET', 'refreshToken=%00'],
  // path tricks in avatar_id
  [SENTIFYD, 'GET', 'avatar_id=../../etc/passwd'],
  [SENTIFYD, 'GET', 'avatar_id=%2e%2e%2fadmin'],
  [SENTIFYD, 'GET', 'avatar_id=avtr%2F..%2Fadmin'],
  [SENTIFYD, 'GET', 'avatar_id=%252e%252e%252f'],
  [SENTIFYD, 'GET', 'avatar_id=..%5c..%5cwindows'],
  [SENTIFYD, 'GET', 'avatar_id=..'],
  [SENTIFYD, 'POST', '', '{"avatar_id":"../admin"}'],
  [SENTIFYD, 'GET', 'avatar_id=%3Cscript%3E'],
  [SENTIFYD, 'GET', 'avatar_id=%EF%BC%8E%EF%BC%8E%EF%BC%8Fadmin'], // fullwidth ../
  [SENTIFYD, 'GET', 'refreshToken=%C0%AE%C0%AE%C0%AF'], // overlong UTF-8 ../
  // bad JSON
  [SENTIFYD, 'POST', '', '{"refreshToken":'],
  [SENTIFYD, 'POST', '', "{'refreshToken':'abc'}"],
  [MISO, 'POST', '', '{"a":1,}'],
  [MISO, 'POST', '', 'nul'],
];

/** A body the parser refuses: 400 (the contract's "malformed or oversized input"), with its own code. */
function expectRefused(reply: Reply, error: string): void {
  expectProblem(reply, 400);
  expect(reply.body.error).toBe(error);
}

eachPlatform(() => {
  describe('hostile input', () => {
    const calls = () => rig.upstreams.miso.count + rig.upstreams.sentifyd.count;
    const send = (route: string, method: Method, query: string, body?: string): Promise<Reply> => {
      const headers: Record<string, string> = route === SENTIFYD ? rig.auth('mallory') : {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      return rig.client.send(`${route}${query ? `?${query}` : ''}`, { method, body, headers });
    };

    const rig = useRig();

    const cases = HOSTILE.map(([route, method, query, body]) => ({
      route, method, query, body, name: `${method} ${route}?${query.slice(0, 40)} ${(body ?? '').slice(0, 40)}`,
    }));

    it.each(cases)('$name → 400, upstream untouched', async ({ route, method, query, body }) => {
      const before = calls();
      const reply = await send(route, method, query, body);
      expectProblem(reply, 400);
      expect(calls()).toBe(before);
    });

    it.each([
      [MISO, 1024 * 1024],
      [SENTIFYD, 1024 * 1024],
      [SENTIFYD, 9 * 1024],
    ])('%s: a %d-byte JSON body is refused (body_too_large)', async (route, size) => {
      const before = calls();
      const reply = await send(route, 'POST', '', JSON.stringify({ refreshToken: 'x'.repeat(size) }));
      expectRefused(reply, 'body_too_large');
      expect(calls()).toBe(before);
    });

    it('a chunked 1 MiB body without Content-Length and an unknown charset are refused', async () => {
      const before = calls();
      const chunk = new TextEncoder().encode(`{"refreshToken":"${'x'.repeat(64 * 1024)}`);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull: (controller) => (sent++ < 16 ? controller.enqueue(chunk) : controller.close()),
      });
      const init = { method: 'POST', body, duplex: 'half', headers: { 'content-type': 'application/json' } };
      expectRefused(await rig.client.send(MISO, init as RequestInit), 'body_too_large');
      const latin1 = { method: 'POST', body: '{}', headers: { 'content-type': 'application/json; charset=latin1' } };
      const refused = await rig.client.send(MISO, latin1);
      expectProblem(refused, 415);
      expect(refused.body.error).toBe('unsupported_charset');
      expect(calls()).toBe(before);
    });

    it.each([
      '{"__proto__":{"user":{"id":"x"}}}',
      '{"constructor":{"prototype":{"user":{"id":"x"}}}}',
      '{"user":{"id":"x"},"sub":"x"}',
    ])('a prototype-pollution body %s signs nobody in and pollutes nothing', async (body) => {
      const reply = await rig.client.send(SENTIFYD, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      // Fastify's parser refuses __proto__ and constructor.prototype keys outright (400); Express parses them inertly (401).
      expectProblem(reply, reply.status === 400 ? 400 : 401);
      expect(({} as any).user).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('user');
      expectProblem(await rig.client.get(`${SENTIFYD}?__proto__[user][id]=x&constructor[prototype][user]=x`), 401);
      expectProblem(await rig.client.get(SENTIFYD), 401);
    });

    it('a refreshToken hidden under __proto__ is not read as a refresh', async () => {
      const reply = await send(SENTIFYD, 'POST', '', '{"__proto__":{"refreshToken":"abcdef"}}');
      // Refused whole by Fastify's parser (400), or ignored: a plain issue (200); never a refresh (401).
      if (reply.status === 400) expectRefused(reply, 'invalid_json');
      else expect(reply.body.tokens.accessToken).toEqual(expect.any(String));
      expect(({} as any).refreshToken).toBeUndefined();
    });

    it.each([
      [MISO, 'GET', 'foo=bar&utm_source=x&x[y]=z'],
      [MISO, 'POST', 'foo=bar'],
      [SENTIFYD, 'GET', 'foo=bar&callback=alert'],
      [SENTIFYD, 'POST', 'lang=en'],
    ] as const)('%s %s ignores unknown parameters (?%s) → 200', async (route, method, query) => {
      const reply = await send(route, method, query, method === 'POST' ? '{"unknown":{"$ne":1}}' : undefined);
      expect(reply.status).toBe(200);
    });

    // Express 5 parses queries with the simple parser: `refreshToken[]` is just another unknown key.
    it.each([
      [MISO, 'refreshToken[]=x'],
      [MISO, 'refreshToken[a]=x'],
      [SENTIFYD, 'refreshToken[]=x&avatar_id[]=..%2F'],
      [SENTIFYD, 'refreshToken[$ne]=x'],
    ])('%s ?%s is never read as a refreshToken', async (route, query) => {
      const reply = await send(route, 'GET', query);
      if (reply.status === 400) return expectProblem(reply, 400);
      expect(reply.status).toBe(200);
      // Read as a refresh it would be a 401 (unknown handle) or a 400 (provider takes none).
      expect(reply.body.token ?? reply.body.tokens.accessToken).toEqual(expect.any(String));
    });
  });
});
