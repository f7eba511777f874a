import { startAzureSpeechSimulator } from 'nestjs-token-broker/testing';
import { eachPlatform } from '../support/platforms';
import { describeSharedRoute } from './provider-table';
import { tokenProvider, useProviderRig } from './provider-rig';
import { expectNoStore } from '../support/expect-reply';
import { METHODS, type Method } from '../support/http';

const ROUTE = '/api/azure-speech/token';
/** 9 minutes of reuse, minus the library's margin (30 s, up to 20 % more). */
const SERVED_MIN = 540 - 36;
const SERVED_MAX = 540 - 30;

const azure = tokenProvider(ROUTE, (key) => startAzureSpeechSimulator({ key, region: 'westeurope' }), (key, url) => ({ AZURE_SPEECH_KEY: key, AZURE_SPEECH_REGION: 'westeurope', AZURE_SPEECH_ENDPOINT: url }));

/**
 * Azure AI Speech: the resource key is exchanged at `issueToken` for a JWT
 * (plain text) that the whole application shares; browsers get the token and
 * the region, never the key.
 */
eachPlatform(() => {
  describeSharedRoute(azure);

  describe.each(METHODS)(`%s ${ROUTE}: the Speech token and its region`, (method: Method) => {
    const rig = useProviderRig();
    beforeEach(async () => {
      await rig.start(azure);
    });

    it('answers { token, region, expiresIn, expiresAt } with the token the service issued', async () => {
      const reply = await rig.ask(method, 'alice');
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expectNoStore(reply);
      expect(reply.body).toEqual({ token: expect.any(String), region: 'westeurope', expiresIn: expect.any(Number), expiresAt: expect.any(String) });
      expect(Object.keys(reply.body)).toHaveLength(4);
      // The plain-text reply of the stand-in, as it was.
      const issued = Buffer.from(reply.body.token.split('.')[1], 'base64url').toString();
      expect(JSON.parse(issued)).toEqual(expect.objectContaining({ region: 'westeurope', n: 1 }));
    });

    it('serves the token for the 9 minutes Microsoft advises, minus the margin, and says when it ends', async () => {
      const { expiresIn, expiresAt } = (await rig.ask(method, 'alice')).body;
      expect(Number.isInteger(expiresIn)).toBe(true);
      expect(expiresIn).toBeGreaterThanOrEqual(SERVED_MIN);
      expect(expiresIn).toBeLessThanOrEqual(SERVED_MAX);
      expect(expiresAt).toBe(new Date(Date.parse(expiresAt)).toISOString());
      const left = Date.parse(expiresAt) - rig.clock.now();
      expect(left).toBeGreaterThanOrEqual(expiresIn * 1000);
      expect(left).toBeLessThan((expiresIn + 1) * 1000);
      // The same deadline later: expiresIn counts down, expiresAt stays.
      rig.clock.advance(100_000);
      const later = (await rig.ask(method, 'bob')).body;
      expect([later.expiresIn, later.expiresAt]).toEqual([expiresIn - 100, expiresAt]);
      expect(rig.upstream.count).toBe(1);
      // Past the deadline: a new token from a new call.
      rig.clock.advance(left - 100_000 + 1);
      const next = (await rig.ask(method, 'alice')).body;
      expect(rig.upstream.count).toBe(2);
      expect(next.expiresIn).toBeGreaterThanOrEqual(SERVED_MIN);
    });

    it('calls POST /sts/v1.0/issueToken with the key in Ocp-Apim-Subscription-Key and an empty body', async () => {
      await rig.ask(method, 'alice');
      expect(rig.upstream.count).toBe(1);
      const [call] = rig.upstream.calls;
      expect([call.method, call.path]).toEqual(['POST', '/sts/v1.0/issueToken']);
      expect(call.headers['ocp-apim-subscription-key']).toBe(rig.apiKey);
      expect(call.headers['content-length']).toBe('0');
      expect(call.body).toBe('');
      // The caller's bearer stays here.
      expect(call.headers.authorization).toBeUndefined();
    });

    it('takes nothing from the request: region, key or endpoint parameters change nothing', async () => {
      const reply = await rig.ask(method, 'alice', { region: 'eastus', endpoint: 'https://evil.example', key: 'x', scope: 'y' });
      expect(reply.status).toBe(200);
      expect(reply.body.region).toBe('westeurope');
      expect(rig.upstream.calls.map((call) => call.path)).toEqual(['/sts/v1.0/issueToken']);
    });
  });
});
