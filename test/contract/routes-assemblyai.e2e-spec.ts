import { randomBytes } from 'node:crypto';
import { startAssemblyAISimulator, type AssemblyAISimulatorOptions } from 'nestjs-token-broker/testing';
import { parseEnv } from '../../src/config/env.schema';
import { expectEnvRefused } from '../support/env-refusal';
import { bootApp } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { describePerRequestRoute } from './provider-table';
import { type CatalogueProvider, useProviderRig } from './provider-rig';
import { expectNoStore } from '../support/expect-reply';
import { METHODS, type Reply } from '../support/http';

const ROUTE = '/api/assemblyai/token';

/** The provider against a stand-in answering as `simulator` says. */
const assemblyaiWith = (simulator: Partial<AssemblyAISimulatorOptions> = {}): CatalogueProvider => ({
  route: ROUTE,
  upstreamGet: true,
  startUpstream: (apiKey) => startAssemblyAISimulator({ apiKey, ...simulator }),
  env: (apiKey, url) => ({ ASSEMBLYAI_API_KEY: apiKey, ASSEMBLYAI_BASE_URL: url }),
  tokenOf: (body) => body.token,
});

/**
 * `/api/assemblyai/token`: a one-time AssemblyAI streaming token per signed-in
 * request, from `GET {base}/v3/token` with the raw key in `Authorization`.
 */
eachPlatform(() => {
  describePerRequestRoute(assemblyaiWith());

  describe('AssemblyAI route', () => {
    const rig = useProviderRig();
    /** The answer's `expiresAt`, in ms from the fake clock's now. */
    const msLeft = (reply: Reply) => Date.parse(reply.body.expiresAt) - rig.clock.now();

    describe.each(METHODS)('%s', (method) => {
      beforeEach(async () => {
        await rig.start(assemblyaiWith());
      });

      it('answers { token, expiresIn, expiresAt } after one GET /v3/token with the raw key and our lifetime', async () => {
        const reply = await rig.ask(method, 'alice');
        expect(reply.status).toBe(200);
        expectNoStore(reply);
        expect(Object.keys(reply.body).sort()).toEqual(['expiresAt', 'expiresIn', 'token']);
        expect(reply.body.token).toEqual(expect.any(String));
        // The stand-in's token is a JWT-shaped string numbering its calls: this is the one it issued.
        expect(JSON.parse(Buffer.from(reply.body.token.split('.')[1], 'base64url').toString())).toMatchObject({ n: 1 });

        expect(rig.upstream.calls).toHaveLength(1);
        const [call] = rig.upstream.calls;
        expect(call.method).toBe('GET');
        expect(call.path).toBe('/v3/token?expires_in_seconds=60');
        expect(call.headers.authorization).toBe(rig.apiKey);
        expect(call.body).toBe('');
      });

      it('ignores lifetimes and anything else the browser sends: the upstream call is the configured one', async () => {
        const params = { expires_in_seconds: '600', max_session_duration_seconds: '10800', token: 'mine', audience: 'x' };
        expect((await rig.ask(method, 'alice', params)).status).toBe(200);
        expect(rig.upstream.calls.map((call) => call.path)).toEqual(['/v3/token?expires_in_seconds=60']);
      });
    });

    describe('expiry', () => {
      it('expiresIn and expiresAt come from the stated expires_in_seconds, less the safety margin', async () => {
        await rig.start(assemblyaiWith({ expiresIn: 30 }));
        const reply = await rig.ask('GET', 'alice');
        // 30 s less a margin of 10 % (3 s) and up to 20 % jitter on it (3.6 s).
        expect(msLeft(reply)).toBeGreaterThanOrEqual(26_400);
        expect(msLeft(reply)).toBeLessThanOrEqual(27_000);
        expect(reply.body.expiresIn).toBe(Math.floor(msLeft(reply) / 1000));
        expect(new Date(reply.body.expiresAt).toISOString()).toBe(reply.body.expiresAt);
      });

      it('uses the lifetime we asked for when the reply states none', async () => {
        await rig.start(assemblyaiWith({ expiresIn: null }));
        const reply = await rig.ask('POST', 'alice');
        expect(msLeft(reply)).toBeGreaterThanOrEqual(52_800);
        expect(msLeft(reply)).toBeLessThanOrEqual(54_000);
        expect(reply.body.expiresIn).toBe(Math.floor(msLeft(reply) / 1000));
      });

      it('sends the configured lifetimes: expiresInSeconds and maxSessionDurationSeconds', async () => {
        await rig.start(assemblyaiWith(), {}, (apiKey, url) => ({
          assemblyai: { apiKey, baseUrl: `${url}/`, expiresInSeconds: 300, maxSessionDurationSeconds: 600 },
        }));
        const reply = await rig.ask('GET', 'alice');
        expect(reply.status).toBe(200);
        expect(rig.upstream.calls.map((call) => call.path)).toEqual(['/v3/token?expires_in_seconds=300&max_session_duration_seconds=600']);
        // 300 s less at most 30 s of margin (and its jitter).
        expect(msLeft(reply)).toBeGreaterThanOrEqual(264_000);
        expect(msLeft(reply)).toBeLessThanOrEqual(270_000);
      });

      it.each([
        ['expiresInSeconds', { expiresInSeconds: 601 }],
        ['expiresInSeconds', { expiresInSeconds: 0 }],
        ['maxSessionDurationSeconds', { maxSessionDurationSeconds: 59 }],
        ['maxSessionDurationSeconds', { maxSessionDurationSeconds: 10_801 }],
      ])('refuses to start with %s out of AssemblyAI\'s range (%o)', async (name, lifetimes) => {
        const env = { NODE_ENV: 'test', AUTH_JWT_SECRET: randomBytes(32).toString('hex') };
        const assemblyai = { apiKey: 'aai-key', baseUrl: 'http://127.0.0.1:9', ...lifetimes };
        await expect(bootApp(env, { assemblyai })).rejects.toThrow(new RegExp(`^TokenModule: assemblyai\\.${name} must be`));
      });
    });
  });
});

describe('AssemblyAI variables', () => {
  const JWT = { AUTH_JWT_SECRET: 'jwt-secret-distinctive-0123456789abcdef' };

  it('ASSEMBLYAI_API_KEY alone is a whole configuration (the base URL is optional)', () => {
    expect(parseEnv({ ...JWT, ASSEMBLYAI_API_KEY: 'aai-key' })).toMatchObject({ ASSEMBLYAI_API_KEY: 'aai-key' });
  });

  it.each([
    ['the key without AUTH_JWT_SECRET (the route is signed-in)', 'AUTH_JWT_SECRET', { ASSEMBLYAI_API_KEY: 'aai-key-distinctive-1' }],
    ['a base URL that is not http(s)', 'ASSEMBLYAI_BASE_URL', { ...JWT, ASSEMBLYAI_API_KEY: 'aai-key-distinctive-1', ASSEMBLYAI_BASE_URL: 'ftp://aai.example' }],
    ['production with no provider at all', 'NODE_ENV', { NODE_ENV: 'production' }],
  ])('refuses %s, naming %s and no value', (_name, variable, raw) => {
    expectEnvRefused(raw, variable);
  });

  it('counts as a provider for production', () => {
    expect(() => parseEnv({ ...JWT, NODE_ENV: 'production', ASSEMBLYAI_API_KEY: 'aai-key' })).not.toThrow();
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/ASSEMBLYAI_API_KEY/);
  });
});
