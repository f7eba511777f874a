import { parseEnv } from './env.schema';
import { storeKeyFromEnv } from './token-options';

// Instances sharing Redis must seal with one key; with a JWKS there is no shared JWT secret to make it from.
describe('storeKeyFromEnv', () => {
  const jwks = {
    MISO_CLIENTID: 'ctrl-app',
    MISO_CLIENTSECRET: 'miso-secret-of-this-deployment',
    MISO_CONTROLLER_URL: 'http://127.0.0.1:9',
    AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
    AUTH_JWT_ISSUER: 'https://idp.example/',
    AUTH_JWT_AUDIENCE: 'token-api',
  };

  it('gives two instances of one JWKS deployment the same key', () => {
    const a = storeKeyFromEnv(parseEnv(jwks));
    const b = storeKeyFromEnv(parseEnv({ ...jwks }));
    expect(a).toHaveLength(32);
    expect(a!.equals(b!)).toBe(true);
  });

  it('changes with the providers\' secrets, so another deployment cannot open this one\'s store', () => {
    const a = storeKeyFromEnv(parseEnv(jwks))!;
    const b = storeKeyFromEnv(parseEnv({ ...jwks, MISO_CLIENTSECRET: 'another-deployment-secret' }))!;
    expect(a.equals(b)).toBe(false);
  });

  it('is made from the JWT secret when there is one, whatever the providers', () => {
    const secret = 's'.repeat(40);
    const env = { MISO_CLIENTID: 'x', MISO_CLIENTSECRET: 'y', MISO_CONTROLLER_URL: 'http://127.0.0.1:9', AUTH_JWT_SECRET: secret };
    const a = storeKeyFromEnv(parseEnv(env))!;
    const b = storeKeyFromEnv(parseEnv({ ...env, MISO_CLIENTSECRET: 'z' }))!;
    expect(a.equals(b)).toBe(true);
    expect(a.includes(Buffer.from(secret))).toBe(false);
  });
});
