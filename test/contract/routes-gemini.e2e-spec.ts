import { startGeminiSimulator } from 'nestjs-token-broker/testing';
import { eachPlatform } from '../support/platforms';
import { describePerRequestRoute } from './provider-table';
import { expectCatalogueAnswer, tokenProvider, useProviderRig, askIgnoring } from './provider-rig';
import { expectProblem } from '../support/expect-reply';
import { METHODS, type Method, type Reply } from '../support/http';
import { recordMethods } from '../support/harness';

const ROUTE = '/api/gemini/live-token';
const MODEL = 'gemini-live-2.5-flash-preview';

const gemini = tokenProvider(ROUTE, (apiKey, clock) => startGeminiSimulator({ apiKey, clock }), (apiKey, url) => ({ GEMINI_API_KEY: apiKey, GEMINI_LIVE_MODEL: MODEL, GEMINI_BASE_URL: url }));

eachPlatform(() => {
  describePerRequestRoute(gemini);

  describe.each(METHODS)(`%s ${ROUTE}: the Gemini Live ephemeral token`, (method: Method) => {
    const rig = useProviderRig();

    const expectAnswer = (reply: Reply, model: string) =>
      expectCatalogueAnswer(reply, rig.clock, { token: expect.stringMatching(/^auth_tokens\/[0-9a-f]{48}$/), model });

    it('POSTs /v1alpha/auth_tokens with x-goog-api-key: one use, both times on our clock, the model locked', async () => {
      await rig.start(gemini);
      const methods = recordMethods(rig.upstream);
      const now = rig.clock.now();
      const { expiresIn, expiresAtMs } = expectAnswer(await rig.ask(method, 'alice'), `models/${MODEL}`);
      expect(methods).toEqual(['POST']);
      const [call] = rig.upstream.calls;
      expect(call.path).toBe('/v1alpha/auth_tokens');
      expect(call.headers['x-goog-api-key']).toBe(rig.apiKey);
      expect(call.headers.authorization).toBeUndefined();
      expect(call.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(call.body)).toEqual({
        uses: 1,
        expireTime: new Date(now + 30 * 60_000).toISOString(),
        newSessionExpireTime: new Date(now + 60_000).toISOString(),
        bidiGenerateContentSetup: { model: `models/${MODEL}` },
      });
      // No expiry comes back: the token is good for the 60 s we gave to open the session, less a 6 to 7.2 s margin.
      expect(expiresIn).toBeGreaterThanOrEqual(52);
      expect(expiresIn).toBeLessThanOrEqual(54);
      expect(expiresAtMs).toBeLessThanOrEqual(Date.parse(JSON.parse(call.body).newSessionExpireTime));
    });

    it('keeps a GEMINI_LIVE_MODEL that is already a resource name', async () => {
      await rig.start(gemini, { GEMINI_LIVE_MODEL: `models/${MODEL}` });
      expectAnswer(await rig.ask(method, 'alice'), `models/${MODEL}`);
      expect(JSON.parse(rig.upstream.calls[0].body).bidiGenerateContentSetup).toEqual({ model: `models/${MODEL}` });
    });

    it("maps Google's answer to a wrong key (400 API_KEY_INVALID) to 502 upstream_rejected", async () => {
      await rig.start({ ...gemini, startUpstream: (_key, clock) => startGeminiSimulator({ apiKey: 'another-key', clock }) });
      const reply = await rig.ask(method, 'alice');
      expectProblem(reply, 502);
      expect(reply.body.error).toBe('upstream_rejected');
      expect(reply.text).not.toMatch(/API key not valid/);
    });

    it('ignores what a browser sends about the token: model, uses, lifetimes, setup', async () => {
      await rig.start(gemini);
      const asked = await askIgnoring(rig, method, { model: 'gemini-2.5-pro', uses: '100', expireTime: '2026-01-01T19:00:00Z', newSessionExpireTime: '2026-01-01T19:00:00Z', bidiGenerateContentSetup: '{"model":"models/other"}' });
      expectAnswer(asked, `models/${MODEL}`);
    });
  });
});
