import { eachPlatform } from '../support/platforms';
import { expectProblem } from '../support/expect-reply';
import { MISO, SENTIFYD, startRig, type Rig } from '../support/rig';
import { rawSend } from '../support/http';

const EVIL_HOST = 'evil.example:1337/"><script>';

/** nosniff on every token answer, and a Miso config.baseUrl that a forged Host or X-Forwarded-Proto cannot shape. */
eachPlatform(() => {
  describe('nosniff and the public base URL', () => {
    let rig: Rig;
    afterEach(() => rig?.close());

    it('X-Content-Type-Options: nosniff on every token answer, success and error', async () => {
      rig = await startRig();
      const replies = [
        await rig.client.get(MISO),
        await rig.client.post(MISO),
        await rig.client.get(`${SENTIFYD}?avatar_id=avtr_1`, rig.auth('alice')),
        await rig.client.get(SENTIFYD), // 401
        await rig.client.get(`${SENTIFYD}?avatar_id=${'%3Cbad%3E'}`, rig.auth('alice')), // 400
        await rig.client.post(SENTIFYD, { refreshToken: 'A'.repeat(43) }, rig.auth('alice')), // 401
        await rig.client.post(MISO, '{not json'), // 400
      ];
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 401, 400, 401, 400]);
      for (const reply of replies) expect(reply.headers['x-content-type-options']).toBe('nosniff');
    });

    it('a Host that is not a plain host[:port] is 400, and never reaches the body', async () => {
      rig = await startRig();
      const reply = await rawSend(rig.running.url, 'GET', MISO, { host: EVIL_HOST });
      expectProblem(reply, 400);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.text).not.toContain('<script>');
      const plain = await rawSend(rig.running.url, 'GET', MISO, { host: 'app.internal:8080' });
      expect(plain.body.config.baseUrl).toBe('http://app.internal:8080');
    });

    it('with PUBLIC_URL set, baseUrl is it whatever the Host says', async () => {
      rig = await startRig({ PUBLIC_URL: 'https://app.example' });
      for (const host of [EVIL_HOST, 'other.example']) {
        const reply = await rawSend(rig.running.url, 'GET', MISO, { host });
        expect(reply.status).toBe(200);
        expect(reply.body.config.baseUrl).toBe('https://app.example');
      }
    });

    it('with TRUST_PROXY=1, X-Forwarded-Proto: javascript is 400', async () => {
      rig = await startRig({ TRUST_PROXY: '1' });
      const reply = await rawSend(rig.running.url, 'GET', MISO, { host: 'app.example', 'x-forwarded-proto': 'javascript' });
      expectProblem(reply, 400);
      expect(reply.text).not.toContain('javascript');
      const https = await rawSend(rig.running.url, 'GET', MISO, { host: 'app.example', 'x-forwarded-proto': 'https' });
      expect(https.body.config.baseUrl).toBe('https://app.example');
    });
  });
});
