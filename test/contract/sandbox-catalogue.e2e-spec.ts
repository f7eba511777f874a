import { SANDBOX_ELEVENLABS_AGENT, startSandbox, type Sandbox } from '../../src/sandbox/sandbox';
import { bootApp, type RunningApp, closeAll } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { expectProblem } from '../support/expect-reply';
import { METHODS, send } from '../support/http';

const LIFETIME = { expiresIn: expect.any(Number), expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) };

/** Each catalogue route, and the answer its sandbox stand-in gives the demo user. */
const ROUTES: Array<[string, Record<string, unknown>]> = [
  ['/api/openai/realtime-token', { token: expect.stringMatching(/^ek_/), model: expect.any(String), ...LIFETIME }],
  ['/api/gemini/live-token', { token: expect.stringMatching(/^auth_tokens\//), model: expect.any(String), ...LIFETIME }],
  ['/api/deepgram/token', { token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), ...LIFETIME }],
  ['/api/assemblyai/token', { token: expect.any(String), ...LIFETIME }],
  [`/api/elevenlabs/signed-url?agent_id=${SANDBOX_ELEVENLABS_AGENT}`, { signedUrl: expect.stringMatching(/^wss:\/\//), ...LIFETIME }],
  ['/api/azure-speech/token', { token: expect.any(String), region: 'sandbox', ...LIFETIME }],
  ['/api/oauth2/token', { token: expect.any(String), tokenType: 'Bearer', ...LIFETIME }],
];

/** With nothing configured, `npm start` serves every catalogue route through the sandbox's stand-ins. */
eachPlatform(() => {
  describe('the sandbox serves the provider catalogue', () => {
    let sandbox: Sandbox;
    let running: RunningApp;

    beforeAll(async () => {
      sandbox = (await startSandbox({ SANDBOX: '1' }))!;
      running = await bootApp(sandbox.env);
    });
    afterAll(() => closeAll([running, sandbox]));

    it.each(ROUTES)('%s answers the demo user on GET and POST, and 401 to anyone else', async (route, answer) => {
      for (const method of METHODS) {
        const reply = await send(running.url, route, method, { headers: { authorization: `Bearer ${sandbox.demoBearer}` } });
        expect({ status: reply.status, body: reply.body }).toEqual({ status: 200, body: answer });
        expect(reply.body.expiresIn).toBeGreaterThan(0);
      }
      expectProblem(await send(running.url, route, 'POST'), 401);
    });

    it('the ElevenLabs stand-in serves its one agent only: another agent id is 400', async () => {
      const headers = { authorization: `Bearer ${sandbox.demoBearer}` };
      expectProblem(await send(running.url, '/api/elevenlabs/signed-url?agent_id=agent_1', 'GET', { headers }), 400);
    });

    it('starts no stand-in when a provider key is set: without SANDBOX=1 nothing, with it a refusal', async () => {
      for (const key of ['OPENAI_API_KEY', 'GEMINI_API_KEY', 'DEEPGRAM_API_KEY', 'ASSEMBLYAI_API_KEY', 'ELEVENLABS_API_KEY', 'AZURE_SPEECH_KEY', 'OAUTH2_CLIENT_ID']) {
        const started = await startSandbox({ [key]: 'real-key' });
        await started?.close();
        expect(started).toBeUndefined();
        await expect(startSandbox({ SANDBOX: '1', [key]: 'real-key' })).rejects.toThrow(new RegExp(`^SANDBOX: .*${key}`));
      }
    });
  });
});
