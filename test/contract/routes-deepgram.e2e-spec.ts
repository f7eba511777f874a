import { startDeepgramSimulator } from 'nestjs-token-broker/testing';
import { eachPlatform } from '../support/platforms';
import { describePerRequestRoute } from './provider-table';
import { expectCatalogueAnswer, tokenProvider, useProviderRig, askIgnoring } from './provider-rig';
import { METHODS, type Method, type Reply } from '../support/http';
import { recordMethods } from '../support/harness';

const ROUTE = '/api/deepgram/token';

const deepgram = tokenProvider(ROUTE, (apiKey, clock) => startDeepgramSimulator({ apiKey, clock }), (apiKey, url) => ({ DEEPGRAM_API_KEY: apiKey, DEEPGRAM_BASE_URL: url }));

eachPlatform(() => {
  describePerRequestRoute(deepgram);

  describe.each(METHODS)(`%s ${ROUTE}: the Deepgram access token`, (method: Method) => {
    const rig = useProviderRig();

    const expectAnswer = (reply: Reply) => expectCatalogueAnswer(reply, rig.clock, { token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) }).expiresIn;

    it('POSTs /v1/auth/grant with "Authorization: Token <key>" and ttl_seconds 300, and answers the JWT', async () => {
      await rig.start(deepgram);
      const methods = recordMethods(rig.upstream);
      const expiresIn = expectAnswer(await rig.ask(method, 'alice'));
      expect(methods).toEqual(['POST']);
      const [call] = rig.upstream.calls;
      expect(call.path).toBe('/v1/auth/grant');
      expect(call.headers.authorization).toBe(`Token ${rig.apiKey}`);
      expect(call.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(call.body)).toEqual({ ttl_seconds: 300 });
      // 300 s from expires_in, less a 30 to 36 s margin.
      expect(expiresIn).toBeGreaterThanOrEqual(264);
      expect(expiresIn).toBeLessThanOrEqual(270);
    });

    it('asks for DEEPGRAM_TOKEN_TTL seconds', async () => {
      await rig.start(deepgram, { DEEPGRAM_TOKEN_TTL: '60' });
      const expiresIn = expectAnswer(await rig.ask(method, 'alice'));
      expect(JSON.parse(rig.upstream.calls[0].body)).toEqual({ ttl_seconds: 60 });
      expect(expiresIn).toBeGreaterThanOrEqual(52);
      expect(expiresIn).toBeLessThanOrEqual(54);
    });

    it("believes the reply's expires_in over what was asked for", async () => {
      await rig.start({ ...deepgram, startUpstream: (apiKey, clock) => startDeepgramSimulator({ apiKey, clock, expiresIn: 30 }) });
      const expiresIn = expectAnswer(await rig.ask(method, 'alice'));
      // 30 s less a 3 to 3.6 s margin.
      expect(expiresIn).toBeGreaterThanOrEqual(26);
      expect(expiresIn).toBeLessThanOrEqual(27);
    });

    it('ignores a lifetime or scope a browser sends', async () => {
      await rig.start(deepgram);
      expectAnswer(await askIgnoring(rig, method, { ttl_seconds: '3600', ttl: '3600', scopes: 'keys:write' }));
    });
  });
});
