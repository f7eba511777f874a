import { EnvError } from '../config/env.schema';
import { startSandbox } from './sandbox';

describe('startSandbox', () => {
  it('runs with nothing configured, and never in production or with a provider set', async () => {
    const sandbox = await startSandbox({});
    await sandbox?.close();
    expect(sandbox).toBeDefined();
    expect(await startSandbox({ NODE_ENV: 'production' })).toBeUndefined();
    expect(await startSandbox({ MISO_CLIENTID: 'app' })).toBeUndefined();
  });

  it('SANDBOX_TOKEN_TTL_SECONDS sets how long the stand-ins\' tokens live', async () => {
    const sandbox = (await startSandbox({ SANDBOX_TOKEN_TTL_SECONDS: '12' }))!;
    try {
      const { env } = sandbox;
      const miso = await fetch(`${env.MISO_CONTROLLER_URL}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'x-client-id': env.MISO_CLIENTID!, 'x-client-secret': env.MISO_CLIENTSECRET! },
      });
      expect(((await miso.json()) as { data: { expiresIn: number } }).data.expiresIn).toBe(12);
      const sentifyd = await fetch(`${env.SENTIFYD_BACKEND}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ avatar_api_key: env.AVATAR_API_KEY }),
      });
      expect(((await sentifyd.json()) as { data: { expires_in: number } }).data.expires_in).toBe(12);
    } finally {
      await sandbox.close();
    }
  });

  it.each(['1', '4', 'ten', '1.5', '90000'])('refuses SANDBOX_TOKEN_TTL_SECONDS=%s with an error naming the variable', async (value) => {
    await expect(startSandbox({ SANDBOX_TOKEN_TTL_SECONDS: value })).rejects.toThrow(EnvError);
    await expect(startSandbox({ SANDBOX_TOKEN_TTL_SECONDS: value })).rejects.toThrow(/^SANDBOX_TOKEN_TTL_SECONDS: /);
  });
});
