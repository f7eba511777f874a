import { EnvError } from '../config/env.schema';
import { startSandbox } from './sandbox';

describe('startSandbox', () => {
  it('runs only with SANDBOX=1, and leaves SANDBOX out of the environment it hands the app', async () => {
    expect(await startSandbox({})).toBeUndefined();
    expect(await startSandbox({ SANDBOX: '0' })).toBeUndefined();
    const sandbox = await startSandbox({ SANDBOX: '1' });
    await sandbox?.close();
    expect(sandbox).toBeDefined();
    expect(sandbox!.env.SANDBOX).toBeUndefined();
  });

  // Finding 1: a staging instance signed demo bearers with production's AUTH_JWT_SECRET and shared its Redis.
  it.each([
    ['NODE_ENV=production', { NODE_ENV: 'production' }],
    ['NODE_ENV=Production', { NODE_ENV: 'Production' }],
    ['a provider', { MISO_CLIENTID: 'app' }],
    ['AUTH_JWT_SECRET', { AUTH_JWT_SECRET: 'x'.repeat(32) }],
    ['AUTH_JWKS_URL', { AUTH_JWKS_URL: 'https://idp.example/jwks' }],
    ['REDIS_URL', { REDIS_URL: 'redis://127.0.0.1:6379' }],
    ['REDIS_SENTINELS', { REDIS_SENTINELS: '127.0.0.1:26379' }],
    ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: '127.0.0.1:7000' }],
    ['REDIS_PASSWORD', { REDIS_PASSWORD: 'pw' }],
    ['REDIS_TLS_CA', { REDIS_TLS_CA: '/ca.pem' }],
  ])('refuses SANDBOX=1 with %s, naming SANDBOX and never a value', async (_name, env) => {
    const refused = startSandbox({ SANDBOX: '1', ...env });
    await expect(refused).rejects.toThrow(EnvError);
    await expect(startSandbox({ SANDBOX: '1', ...env })).rejects.toThrow(/^SANDBOX: /);
    for (const [name, value] of Object.entries(env)) if (name !== 'NODE_ENV') await expect(startSandbox({ SANDBOX: '1', ...env })).rejects.not.toThrow(value);
  });

  it('signs the demo bearer with a secret of its own, made at start-up', async () => {
    const [a, b] = [(await startSandbox({ SANDBOX: '1' }))!, (await startSandbox({ SANDBOX: '1' }))!];
    await Promise.all([a.close(), b.close()]);
    expect(a.env.AUTH_JWT_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(a.env.AUTH_JWT_SECRET).not.toBe(b.env.AUTH_JWT_SECRET);
  });

  it('SANDBOX_TOKEN_TTL_SECONDS sets how long the stand-ins\' tokens live', async () => {
    const sandbox = (await startSandbox({ SANDBOX: '1', SANDBOX_TOKEN_TTL_SECONDS: '12' }))!;
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
    await expect(startSandbox({ SANDBOX: '1', SANDBOX_TOKEN_TTL_SECONDS: value })).rejects.toThrow(EnvError);
    await expect(startSandbox({ SANDBOX: '1', SANDBOX_TOKEN_TTL_SECONDS: value })).rejects.toThrow(/^SANDBOX_TOKEN_TTL_SECONDS: /);
  });
});
