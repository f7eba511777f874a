import { bootApp, bearer, closeAll, startUpstreams, type RunningApp, type Upstreams } from './support/harness';
import { eachPlatform } from './support/platforms';

eachPlatform(() => {
  describe('example app smoke', () => {
    let upstreams: Upstreams;
    let running: RunningApp;

    beforeAll(async () => {
      upstreams = await startUpstreams();
      running = await bootApp(upstreams.env);
    });
    afterAll(() => closeAll([running, upstreams]));

    it('serves a Miso token and Sentifyd tokens', async () => {
      const miso = await fetch(`${running.url}/api/client-token`);
      expect(miso.status).toBe(200);
      expect(((await miso.json()) as { token: string }).token).toEqual(expect.any(String));
      const sentifyd = await fetch(`${running.url}/request_tokens`, {
        headers: { authorization: bearer(upstreams.secrets.jwtSecret, 'alice') },
      });
      expect(sentifyd.status).toBe(200);
      expect(((await sentifyd.json()) as { tokens: { accessToken: string } }).tokens.accessToken).toEqual(expect.any(String));
    });
  });
});
