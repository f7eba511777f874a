import { randomBytes } from 'node:crypto';
import { FakeClock, startOAuth2Simulator, type OAuth2SimulatorOptions, type UpstreamSimulator } from 'nestjs-token-broker/testing';
import { bearer, bootApp, expectNoSecrets, type RunningApp } from '../support/harness';
import { eachPlatform } from '../support/platforms';
import { describeSharedRoute } from './provider-table';
import { tokenProvider } from './provider-rig';
import { expectNoStore, expectProblem } from '../support/expect-reply';
import { headerText, METHODS, send, type Method, type Reply } from '../support/http';

const ROUTE = '/api/oauth2/token';
const SCOPE = 'read:things write:things';
const AUDIENCE = 'https://api.example/';
/** The form body of a client-credentials request for SCOPE and AUDIENCE. */
const FORM = 'grant_type=client_credentials&scope=read%3Athings+write%3Athings&audience=https%3A%2F%2Fapi.example%2F';
/** An id and a secret with characters that RFC 6749 §2.3.1 form-encodes before base64. */
const CLIENT_ID = 'ctrl:test-app';

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4): the client id and secret are
 * exchanged for an access token with the configured scope and audience, one
 * for the whole application; browsers get the token and its type, never the secret.
 */
const oauth2 = tokenProvider(
  ROUTE,
  (clientSecret) => startOAuth2Simulator({ clientId: CLIENT_ID, clientSecret }),
  (clientSecret, url) => ({ OAUTH2_TOKEN_URL: `${url}/oauth/token`, OAUTH2_CLIENT_ID: CLIENT_ID, OAUTH2_CLIENT_SECRET: clientSecret }),
  { extraFaults: [['denied', 502, 'upstream_invalid']] },
);

eachPlatform(() => {
  describeSharedRoute(oauth2);

  describe.each(METHODS)('%s /api/oauth2/token: client credentials as RFC 6749 says', (method: Method) => {
    let server: UpstreamSimulator;
    let running: RunningApp;
    let clock: FakeClock | undefined;
    let secret: string;
    let jwtSecret: string;
    const replies: Reply[] = [];

    async function boot(env: Record<string, string | undefined> = {}, simulator: Partial<OAuth2SimulatorOptions> = {}, fakeClock = true): Promise<void> {
      clock = fakeClock ? new FakeClock() : undefined;
      secret = `oauth2-secret-${randomBytes(12).toString('hex')}+/=`;
      jwtSecret = randomBytes(32).toString('hex');
      server = await startOAuth2Simulator({ clientId: CLIENT_ID, clientSecret: secret, ...simulator });
      running = await bootApp(
        {
          NODE_ENV: 'test',
          AUTH_JWT_SECRET: jwtSecret,
          TOKEN_RATE_LIMIT: '0',
          OAUTH2_TOKEN_URL: `${server.url}/oauth/token`,
          OAUTH2_CLIENT_ID: CLIENT_ID,
          OAUTH2_CLIENT_SECRET: secret,
          OAUTH2_SCOPE: SCOPE,
          OAUTH2_AUDIENCE: AUDIENCE,
          ...env,
        },
        clock ? { clock } : {},
      );
    }
    async function reboot(...args: Parameters<typeof boot>): Promise<void> {
      await running.close();
      await server.close();
      await boot(...args);
    }
    const ask = async (user?: string, params: Record<string, string> = {}) => {
      const reply = await send(running.url, ROUTE, method, { headers: user ? { authorization: bearer(jwtSecret, user) } : {}, params });
      replies.push(reply);
      return reply;
    };
    /** Every answer and every log line so far: none may hold the client secret. */
    const outputs = () => [...replies.flatMap((reply) => [reply.text, headerText(reply)]), ...running.logger.lines];

    beforeEach(() => boot());
    afterEach(async () => {
      await running?.close();
      await server?.close();
      const texts = outputs();
      replies.length = 0;
      // The secret whole, and as it travels in the Basic header.
      expectNoSecrets(texts, [secret, encodeURIComponent(secret), Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(secret)}`).toString('base64')]);
    });

    it('answers { token, tokenType, expiresIn, expiresAt } with the token the server issued', async () => {
      const reply = await ask('alice');
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expectNoStore(reply);
      expect(reply.body).toEqual({ token: expect.any(String), tokenType: 'Bearer', expiresIn: expect.any(Number), expiresAt: expect.any(String) });
      expect(Object.keys(reply.body)).toHaveLength(4);
      const claims = JSON.parse(Buffer.from(reply.body.token.split('.')[1], 'base64url').toString());
      expect(claims).toEqual(expect.objectContaining({ sub: CLIENT_ID, scope: SCOPE, aud: AUDIENCE, n: 1 }));
    });

    it('calls POST {tokenUrl} with client_secret_basic and the form body of RFC 6749 §4.4.2', async () => {
      await ask('alice');
      expect(server.count).toBe(1);
      const [call] = server.calls;
      expect([call.method, call.path]).toEqual(['POST', '/oauth/token']);
      expect(call.headers['content-type']).toBe('application/x-www-form-urlencoded');
      // §2.3.1: id and secret form-encoded, then base64.
      const basic = Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(secret)}`).toString('base64');
      expect(call.headers.authorization).toBe(`Basic ${basic}`);
      expect(call.body).toBe(FORM);
    });

    it('sends client_secret_post with OAUTH2_AUTH_METHOD=post: the credentials in the body, no Authorization header', async () => {
      await reboot({ OAUTH2_AUTH_METHOD: 'post' });
      expect((await ask('alice')).status).toBe(200);
      const [call] = server.calls;
      expect([call.method, call.path]).toEqual(['POST', '/oauth/token']);
      expect(call.headers.authorization).toBeUndefined();
      expect(call.body).toBe(`${FORM}&client_id=${encodeURIComponent(CLIENT_ID)}&client_secret=${encodeURIComponent(secret)}`);
    });

    it('sends neither scope nor audience when none is configured', async () => {
      await reboot({ OAUTH2_SCOPE: undefined, OAUTH2_AUDIENCE: undefined });
      expect((await ask('alice')).status).toBe(200);
      expect(server.calls[0].body).toBe('grant_type=client_credentials');
    });

    it('takes scope and audience from configuration only: request parameters change nothing', async () => {
      const first = await ask('alice', { scope: 'admin', audience: 'https://other.example/', grant_type: 'password' });
      const second = await ask('bob', { scope: 'other' });
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.body.token).toBe(first.body.token);
      expect(server.calls.map((call) => call.body)).toEqual([FORM]);
    });

    it('serves the token for expires_in minus the margin, and says when it ends', async () => {
      const { expiresIn, expiresAt } = (await ask('alice')).body;
      expect(Number.isInteger(expiresIn)).toBe(true);
      // 3600 s stated, minus 30 s (up to 20 % more).
      expect(expiresIn).toBeGreaterThanOrEqual(3600 - 36);
      expect(expiresIn).toBeLessThanOrEqual(3600 - 30);
      const left = Date.parse(expiresAt) - clock!.now();
      expect(expiresAt).toBe(new Date(Date.parse(expiresAt)).toISOString());
      expect(left).toBeGreaterThanOrEqual(expiresIn * 1000);
      expect(left).toBeLessThan((expiresIn + 1) * 1000);
      clock!.advance(600_000);
      const later = (await ask('bob')).body;
      expect([later.expiresIn, later.expiresAt]).toEqual([expiresIn - 600, expiresAt]);
      expect(server.count).toBe(1);
      clock!.advance(left - 600_000 + 1);
      expect((await ask('alice')).body.token).not.toBe(later.token);
      expect(server.count).toBe(2);
    });

    it("uses the JWT's exp when the server states no expires_in", async () => {
      // The system clock: the stand-in's exp is real time.
      await reboot({}, { expiresIn: null }, false);
      const { expiresIn, expiresAt } = (await ask('alice')).body;
      // exp is 900 s after the stand-in's whole second; minus 30 s (up to 20 % more), and a second or two of the run.
      expect(expiresIn).toBeGreaterThanOrEqual(900 - 36 - 2);
      expect(expiresIn).toBeLessThanOrEqual(900 - 30);
      expect(Math.abs(Date.parse(expiresAt) - Date.now() - expiresIn * 1000)).toBeLessThan(2_000);
    });

    it('answers 502 upstream_rejected when the server refuses the client secret', async () => {
      await reboot({ OAUTH2_CLIENT_SECRET: 'not-the-secret' });
      const reply = await ask('alice');
      expectProblem(reply, 502);
      expect(reply.body.error).toBe('upstream_rejected');
      expect(server.count).toBe(1);
    });
  });
});
