import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox';
import { bootApp, type RunningApp } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { expectProblem, send } from './http';

/** With nothing configured, the sandbox's stand-ins serve the OpenAI, Gemini and Deepgram routes too. */
eachPlatform(() => {
  describe('the sandbox serves the per-request routes', () => {
    let sandbox: Sandbox;
    let running: RunningApp;

    beforeAll(async () => {
      sandbox = (await startSandbox({}))!;
      running = await bootApp(sandbox.env);
    });
    afterAll(async () => {
      await running?.close();
      await sandbox?.close();
    });

    it.each([
      ['/api/openai/realtime-token', /^ek_/, true],
      ['/api/gemini/live-token', /^auth_tokens\//, true],
      ['/api/deepgram/token', /^[\w-]+\.[\w-]+\.[\w-]+$/, false],
    ])('%s answers a token to the demo user, and 401 to anyone else', async (route, token, hasModel) => {
      const reply = await send(running.url, route, 'GET', { headers: { authorization: `Bearer ${sandbox.demoBearer}` } });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        token: expect.stringMatching(token),
        expiresIn: expect.any(Number),
        expiresAt: expect.any(String),
        ...(hasModel && { model: expect.any(String) }),
      });
      expect(reply.body.expiresIn).toBeGreaterThan(0);
      expectProblem(await send(running.url, route, 'POST'), 401);
    });

    it('starts no stand-in when one of these keys is set: real upstreams are meant', async () => {
      for (const key of ['OPENAI_API_KEY', 'GEMINI_API_KEY', 'DEEPGRAM_API_KEY']) {
        const started = await startSandbox({ [key]: 'real-key' });
        await started?.close();
        expect(started).toBeUndefined();
      }
    });
  });
});
