import { randomBytes } from 'node:crypto';
import { FakeClock, startAzureSpeechSimulator, type SimulatorMode, type UpstreamSimulator } from 'nestjs-token-broker/testing';
import { bearer, bootApp, expectNoSecrets, startUpstreams, type RunningApp } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { expectNoStore, expectProblem, headerText, METHODS, send, type Method, type Reply } from './http';

const ROUTE = '/api/azure-speech/token';
const TIMEOUT_MS = 300;
/** 9 minutes of reuse, minus the library's margin (30 s, up to 20 % more). */
const SERVED_MIN = 540 - 36;
const SERVED_MAX = 540 - 30;

/**
 * Azure AI Speech: the resource key is exchanged at `issueToken` for a JWT
 * (plain text) that the whole application shares; browsers get the token and
 * the region, never the key.
 */
eachPlatform(() => {
  describe.each(METHODS)('%s /api/azure-speech/token', (method: Method) => {
    let azure: UpstreamSimulator;
    let running: RunningApp;
    let clock: FakeClock;
    let key: string;
    let jwtSecret: string;
    const replies: Reply[] = [];

    async function boot(env: Record<string, string> = {}): Promise<void> {
      clock = new FakeClock();
      key = `azure-key-${randomBytes(12).toString('hex')}`;
      jwtSecret = randomBytes(32).toString('hex');
      azure = await startAzureSpeechSimulator({ key, region: 'westeurope' });
      const base = { NODE_ENV: 'test', AUTH_JWT_SECRET: jwtSecret, TOKEN_RATE_LIMIT: '0' };
      running = await bootApp({ ...base, AZURE_SPEECH_KEY: key, AZURE_SPEECH_REGION: 'westeurope', AZURE_SPEECH_ENDPOINT: azure.url, ...env }, { clock });
    }
    const as = (user: string) => ({ authorization: bearer(jwtSecret, user) });
    const ask = async (user?: string, params: Record<string, string> = {}) => {
      const reply = await send(running.url, ROUTE, method, { headers: user ? as(user) : {}, params });
      replies.push(reply);
      return reply;
    };
    /** Every answer and every log line so far: none may hold the key. */
    const outputs = () => [...replies.flatMap((reply) => [reply.text, headerText(reply)]), ...running.logger.lines];

    beforeEach(() => boot());
    afterEach(async () => {
      await running?.close();
      await azure?.close();
      const texts = outputs();
      replies.length = 0;
      expectNoSecrets(texts, [key]);
    });

    it('answers { token, region, expiresIn, expiresAt } with the token the service issued', async () => {
      const reply = await ask('alice');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      expectNoStore(reply);
      expect(reply.body).toEqual({ token: expect.any(String), region: 'westeurope', expiresIn: expect.any(Number), expiresAt: expect.any(String) });
      expect(Object.keys(reply.body)).toHaveLength(4);
      // The plain-text reply of the stand-in, as it was.
      const issued = Buffer.from(reply.body.token.split('.')[1], 'base64url').toString();
      expect(JSON.parse(issued)).toEqual(expect.objectContaining({ region: 'westeurope', n: 1 }));
    });

    it('serves the token for the 9 minutes Microsoft advises, minus the margin, and says when it ends', async () => {
      const { expiresIn, expiresAt } = (await ask('alice')).body;
      expect(Number.isInteger(expiresIn)).toBe(true);
      expect(expiresIn).toBeGreaterThanOrEqual(SERVED_MIN);
      expect(expiresIn).toBeLessThanOrEqual(SERVED_MAX);
      expect(expiresAt).toBe(new Date(Date.parse(expiresAt)).toISOString());
      const left = Date.parse(expiresAt) - clock.now();
      expect(left).toBeGreaterThanOrEqual(expiresIn * 1000);
      expect(left).toBeLessThan((expiresIn + 1) * 1000);
      // The same deadline later: expiresIn counts down, expiresAt stays.
      clock.advance(100_000);
      const later = (await ask('bob')).body;
      expect([later.expiresIn, later.expiresAt]).toEqual([expiresIn - 100, expiresAt]);
      expect(azure.count).toBe(1);
      // Past the deadline: a new token from a new call.
      clock.advance(left - 100_000 + 1);
      const next = (await ask('alice')).body;
      expect(azure.count).toBe(2);
      expect(next.expiresIn).toBeGreaterThanOrEqual(SERVED_MIN);
    });

    it('calls POST /sts/v1.0/issueToken with the key in Ocp-Apim-Subscription-Key and an empty body', async () => {
      await ask('alice');
      expect(azure.count).toBe(1);
      const [call] = azure.calls;
      expect([call.method, call.path]).toEqual(['POST', '/sts/v1.0/issueToken']);
      expect(call.headers['ocp-apim-subscription-key']).toBe(key);
      expect(call.headers['content-length']).toBe('0');
      expect(call.body).toBe('');
      // The caller's bearer stays here.
      expect(call.headers.authorization).toBeUndefined();
    });

    it('shares one token across the application: 20 concurrent callers, one upstream call', async () => {
      azure.delayMs = 100;
      const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => ask(`user-${n % 5}`)));
      expect(answers.map((reply) => reply.status)).toEqual(Array(20).fill(200));
      expect(new Set(answers.map((reply) => reply.body.token)).size).toBe(1);
      expect(azure.count).toBe(1);
      expect((await ask('carol')).body.token).toBe(answers[0].body.token);
      expect(azure.count).toBe(1);
    });

    it('takes nothing from the request: region, key or endpoint parameters change nothing', async () => {
      const reply = await ask('alice', { region: 'eastus', endpoint: 'https://evil.example', key: 'x', scope: 'y' });
      expect(reply.status).toBe(200);
      expect(reply.body.region).toBe('westeurope');
      expect(azure.calls.map((call) => call.path)).toEqual(['/sts/v1.0/issueToken']);
    });

    it('is for signed-in users: 401 without or with a bad bearer, and no upstream call', async () => {
      expectProblem(await ask(), 401);
      const forged = await send(running.url, ROUTE, method, { headers: { authorization: bearer(randomBytes(32).toString('hex'), 'alice') } });
      expectProblem(forged, 401);
      expect(azure.count).toBe(0);
    });

    it.each<[SimulatorMode, number, string]>([
      ['reject', 502, 'upstream_rejected'],
      ['fail', 502, 'upstream_failed'],
      ['garbage', 502, 'upstream_invalid'],
      ['html', 502, 'upstream_invalid'],
      ['hang', 504, 'upstream_timeout'],
    ])('upstream %s → %i %s, its body passed on nowhere', async (mode, status, error) => {
      await running.close();
      await azure.close();
      await boot({ TOKEN_UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS) });
      azure.mode = mode;
      const reply = await ask('alice');
      expectProblem(reply, status);
      expect(reply.body.error).toBe(error);
      expectNoSecrets(outputs(), [azure.errorBody]);
    });

    it('never logs the token', async () => {
      const reply = await ask('alice');
      await ask('bob');
      expect(reply.status).toBe(200);
      expectNoSecrets(running.logger.lines, [reply.body.token, reply.body.token.split('.')[2]]);
      expect(running.logger.requestLines()).toEqual(
        expect.arrayContaining([expect.objectContaining({ provider: 'azure-speech', route: ROUTE, status: 200 })]),
      );
    });
  });

  describe('/api/azure-speech/token elsewhere', () => {
    it('is 404 while Azure Speech is not configured', async () => {
      const upstreams = await startUpstreams();
      const running = await bootApp(upstreams.env);
      try {
        const reply = await send(running.url, ROUTE, 'GET', { headers: { authorization: bearer(upstreams.secrets.jwtSecret, 'alice') } });
        expectProblem(reply, 404);
      } finally {
        await running.close();
        await upstreams.close();
      }
    });
  });
});
