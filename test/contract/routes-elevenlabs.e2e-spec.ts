import { randomBytes } from 'node:crypto';
import { FakeClock, startElevenLabsSimulator, UpstreamSimulator, type ElevenLabsSimulator, type ElevenLabsSimulatorOptions } from 'nestjs-token-broker/testing';
import { parseEnv } from '../../src/config/env.schema';
import { expectEnvRefused } from '../support/env-refusal';
import { bearer, bootApp, expectNoSecrets, type RunningApp } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { describePerRequestRoute } from './provider-table';
import { type CatalogueProvider } from './provider-rig';
import { expectNoStore, expectProblem } from '../support/expect-reply';
import { headerText, METHODS, send, type Method, type Reply } from '../support/http';

const ROUTE = '/api/elevenlabs/signed-url';
const AGENTS = 'agent_1,agent_2';
const FIFTEEN_MINUTES_MS = 15 * 60_000;

/**
 * `/api/elevenlabs/signed-url?agent_id=…`: a signed conversation URL per
 * signed-in request, for an agent in ELEVENLABS_AGENT_IDS only, from
 * `GET {base}/v1/convai/conversation/get-signed-url` with `xi-api-key`.
 */
const elevenlabs: CatalogueProvider = {
  route: ROUTE,
  upstreamGet: true,
  params: { agent_id: 'agent_1' },
  startUpstream: (apiKey) => startElevenLabsSimulator({ apiKey }),
  env: (apiKey, url) => ({ ELEVENLABS_API_KEY: apiKey, ELEVENLABS_AGENT_IDS: AGENTS, ELEVENLABS_BASE_URL: url }),
  tokenOf: (body) => body.signedUrl,
};

eachPlatform(() => {
  describePerRequestRoute(elevenlabs);

  describe('ElevenLabs route', () => {
    let upstream: ElevenLabsSimulator | undefined;
    let running: RunningApp | undefined;
    let clock: FakeClock;
    let apiKey: string;
    let jwtSecret: string;
    /** Every answer, headers and body, for the leak scans. */
    let answers: string[];

    async function boot(env: Record<string, string | undefined> = {}, simulator: Partial<ElevenLabsSimulatorOptions> = {}): Promise<ElevenLabsSimulator> {
      clock = new FakeClock();
      apiKey = `xi-key-${randomBytes(12).toString('hex')}`;
      jwtSecret = randomBytes(32).toString('hex');
      answers = [];
      upstream = await startElevenLabsSimulator({ apiKey, ...simulator });
      const base = {
        NODE_ENV: 'test',
        AUTH_JWT_SECRET: jwtSecret,
        TOKEN_RATE_LIMIT: '0',
        ELEVENLABS_API_KEY: apiKey,
        ELEVENLABS_AGENT_IDS: AGENTS,
        ELEVENLABS_BASE_URL: upstream.url,
      };
      running = await bootApp({ ...base, ...env }, { clock });
      return upstream;
    }
    async function ask(method: Method, user: string | undefined, params: Record<string, string> = { agent_id: 'agent_1' }): Promise<Reply> {
      const headers: Record<string, string> = user === undefined ? {} : { authorization: bearer(jwtSecret, user) };
      const reply = await send(running!.url, ROUTE, method, { headers, params });
      answers.push(headerText(reply), reply.text);
      return reply;
    }
    const signatureOf = (signedUrl: string) => new URL(signedUrl).searchParams.get('conversation_signature')!;

    afterEach(async () => {
      await running?.close();
      await upstream?.close();
      running = upstream = undefined;
    });

    describe.each(METHODS)('%s', (method) => {
      let upstream: ElevenLabsSimulator;
      beforeEach(async () => {
        upstream = await boot();
      });

      it('answers { signedUrl, expiresIn, expiresAt } after one GET get-signed-url?agent_id= with xi-api-key', async () => {
        const reply = await ask(method, 'alice', { agent_id: 'agent_2' });
        expect(reply.status).toBe(200);
        expectNoStore(reply);
        expect(Object.keys(reply.body).sort()).toEqual(['expiresAt', 'expiresIn', 'signedUrl']);
        const signedUrl = new URL(reply.body.signedUrl);
        expect(signedUrl.protocol).toBe('wss:');
        expect(signedUrl.searchParams.get('agent_id')).toBe('agent_2');
        expect(upstream.issuedSignatures.has(signatureOf(reply.body.signedUrl))).toBe(true);

        expect(upstream.calls).toHaveLength(1);
        const [call] = upstream.calls;
        expect(call.method).toBe('GET');
        expect(call.path).toBe('/v1/convai/conversation/get-signed-url?agent_id=agent_2');
        expect(call.headers['xi-api-key']).toBe(apiKey);
        expect(call.headers.authorization).toBeUndefined();
        expect(call.body).toBe('');
      });

      it('gives the URL the documented 15 minutes (no expiry comes back), less the safety margin', async () => {
        const reply = await ask(method, 'alice');
        const msLeft = Date.parse(reply.body.expiresAt) - clock.now();
        // 900 s less the largest margin (30 s) and up to 20 % jitter on it.
        expect(msLeft).toBeGreaterThanOrEqual(FIFTEEN_MINUTES_MS - 36_000);
        expect(msLeft).toBeLessThanOrEqual(FIFTEEN_MINUTES_MS - 30_000);
        expect(reply.body.expiresIn).toBe(Math.floor(msLeft / 1000));
        expect(new Date(reply.body.expiresAt).toISOString()).toBe(reply.body.expiresAt);
      });

      it.each([
        ['an agent_id outside ELEVENLABS_AGENT_IDS', { agent_id: 'agent_3' }, 'invalid_agent_id'],
        ['no agent_id', {}, 'invalid_agent_id'],
        ['an agent_id differing only in case', { agent_id: 'AGENT_1' }, 'invalid_agent_id'],
        ['an agent_id over 128 characters', { agent_id: 'a'.repeat(129) }, 'invalid_request'],
      ])('refuses %s with 400 and no upstream call', async (_name, params, error) => {
        const reply = await ask(method, 'alice', params);
        expectProblem(reply, 400);
        expect(reply.body.error).toBe(error);
        expect(upstream.count).toBe(0);
      });

      it('sends only agent_id: whatever else the browser asks for is ignored', async () => {
        const params = { agent_id: 'agent_1', include_conversation_id: 'true', branch_id: 'b1', environment: 'staging', xi_api_key: 'x' };
        expect((await ask(method, 'alice', params)).status).toBe(200);
        expect(upstream.calls.map((call) => call.path)).toEqual(['/v1/convai/conversation/get-signed-url?agent_id=agent_1']);
      });
    });

    it('refuses agent_id given twice, or differently in query and body, with 400 and no upstream call', async () => {
      const upstream = await boot();
      const auth = { authorization: bearer(jwtSecret, 'alice') };
      expectProblem(await send(running!.url, `${ROUTE}?agent_id=agent_1&agent_id=agent_2`, 'GET', { headers: auth }), 400);
      expectProblem(await send(running!.url, `${ROUTE}?agent_id=agent_1`, 'POST', { headers: auth, params: { agent_id: 'agent_2' } }), 400);
      expect(upstream.count).toBe(0);
    });

    describe('upstream faults', () => {
      beforeEach(() => boot());

      /** Restarts the app against `other`, another upstream (the test closes it), with `env` on top. */
      async function rebootAgainst(other: UpstreamSimulator, env: Record<string, string> = {}): Promise<void> {
        await running!.close();
        const base = { NODE_ENV: 'test', AUTH_JWT_SECRET: jwtSecret, ELEVENLABS_API_KEY: apiKey, ELEVENLABS_AGENT_IDS: AGENTS, ELEVENLABS_BASE_URL: other.url };
        running = await bootApp({ ...base, ...env }, { clock });
      }

      it('a key or an agent ElevenLabs refuses is 502 upstream_rejected, never retried', async () => {
        const strict = await startElevenLabsSimulator({ apiKey, agentIds: ['agent_1'] });
        try {
          await rebootAgainst(strict);
          // Allowed here, unknown to ElevenLabs (404).
          const unknown = await ask('GET', 'alice', { agent_id: 'agent_2' });
          expectProblem(unknown, 502);
          expect(unknown.body.error).toBe('upstream_rejected');
          expect((await ask('GET', 'alice', { agent_id: 'agent_1' })).status).toBe(200);
          await rebootAgainst(strict, { ELEVENLABS_API_KEY: 'not-the-key' });
          const refused = await ask('POST', 'alice');
          expectProblem(refused, 502);
          expect(refused.body.error).toBe('upstream_rejected');
          expect(strict.count).toBe(3);
        } finally {
          await strict.close();
        }
      });

      it('a reply whose signed_url is not a wss:// URL is 502 upstream_invalid', async () => {
        const https = await new UpstreamSimulator(() => ({ status: 200, body: { signed_url: 'https://api.elevenlabs.io/?conversation_signature=s' } })).start();
        try {
          await rebootAgainst(https);
          const reply = await ask('GET', 'alice');
          expectProblem(reply, 502);
          expect(reply.body.error).toBe('upstream_invalid');
          expect(https.count).toBe(1);
        } finally {
          await https.close();
        }
      });
    });

    describe('signed URLs', () => {
      let upstream: ElevenLabsSimulator;
      beforeEach(async () => {
        upstream = await boot();
      });

      it('neither the key nor a signed URL or its signature is in a log line; the key is in no answer', async () => {
        const urls: string[] = [];
        for (const method of METHODS) urls.push((await ask(method, 'alice', { agent_id: 'agent_2' })).body.signedUrl);
        expectProblem(await ask('GET', 'alice', { agent_id: 'agent_9' }), 400);
        upstream.mode = 'reject';
        expectProblem(await ask('GET', 'alice'), 502);
        expect(running!.logger.requestLines().filter((line) => line.provider === 'elevenlabs')).toHaveLength(4);
        expect(upstream.issuedSignatures.size).toBe(2);
        expectNoSecrets(running!.logger.lines, [apiKey, jwtSecret, ...urls, ...upstream.issuedSignatures]);
        expectNoSecrets(answers, [apiKey, jwtSecret]);
      });
    });

    describe('configuration', () => {
      it('the library refuses to start with an empty agent list', async () => {
        const env = { NODE_ENV: 'test', AUTH_JWT_SECRET: randomBytes(32).toString('hex') };
        await expect(bootApp(env, { elevenlabs: { apiKey: 'xi-key', agentIds: [] } })).rejects.toThrow(/^TokenModule: elevenlabs\.agentIds must list at least one/);
      });
    });
  });
});

describe('ElevenLabs variables', () => {
  const JWT = { AUTH_JWT_SECRET: 'jwt-secret-distinctive-0123456789abcdef' };
  const KEY = { ELEVENLABS_API_KEY: 'xi-key-distinctive-1' };

  it('takes the key and the agent list, trimmed', () => {
    expect(parseEnv({ ...JWT, ...KEY, ELEVENLABS_AGENT_IDS: ' agent_1 , agent_2 ' }).ELEVENLABS_AGENT_IDS).toEqual(['agent_1', 'agent_2']);
  });

  it.each([
    ['the key without the agent list', 'ELEVENLABS_AGENT_IDS', { ...JWT, ...KEY }],
    ['the agent list without the key', 'ELEVENLABS_API_KEY', { ...JWT, ELEVENLABS_AGENT_IDS: 'agent_1' }],
    ['an agent list of no agent', 'ELEVENLABS_AGENT_IDS', { ...JWT, ...KEY, ELEVENLABS_AGENT_IDS: ' , ' }],
    ['the key without AUTH_JWT_SECRET (the route is signed-in)', 'AUTH_JWT_SECRET', { ...KEY, ELEVENLABS_AGENT_IDS: 'agent_1' }],
    ['a base URL that is not http(s)', 'ELEVENLABS_BASE_URL', { ...JWT, ...KEY, ELEVENLABS_AGENT_IDS: 'agent_1', ELEVENLABS_BASE_URL: 'wss://api.example' }],
  ])('refuses %s, naming %s and no value', (_name, variable, raw) => {
    expectEnvRefused(raw, variable);
  });

  it('counts as a provider for production', () => {
    expect(() => parseEnv({ ...JWT, ...KEY, NODE_ENV: 'production', ELEVENLABS_AGENT_IDS: 'agent_1' })).not.toThrow();
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/ELEVENLABS_API_KEY/);
  });
});
