import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';

/** One signing key of the test identity provider: its private half signs, its public JWK is published. */
export interface TestKey {
  kid: string;
  alg: 'RS256' | 'PS256' | 'ES256' | 'EdDSA';
  privateKey: KeyObject;
  jwk: JWK;
}

/** A key made in the test: RSA 2048 (RS256/PS256), P-256 (ES256) or Ed25519 (EdDSA). */
export function makeKey(alg: TestKey['alg']): TestKey {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return { kid, alg, privateKey: pair.privateKey, jwk: { ...(pair.publicKey.export({ format: 'jwk' }) as JWK), kid, alg, use: 'sig' } };
}

/** A JWT signed by `key` (its kid in the header); `claims` on top of sub, iat and a one-hour exp. */
export function signWith(key: Pick<TestKey, 'kid' | 'alg' | 'privateKey'>, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ sub: 'idp-user', ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key.privateKey);
}

/**
 * A JWKS endpoint on loopback, as an identity provider serves one, that
 * counts its fetches and can fail on demand: `ok` serves the published keys,
 * `error` answers 503, `reset` drops the connection without an answer.
 */
export class JwksServer {
  keys: TestKey[] = [];
  mode: 'ok' | 'error' | 'reset' = 'ok';
  /** GETs of the JWKS so far (failed ones included). */
  fetches = 0;
  private constructor(private readonly server: Server) {}

  static async start(keys: TestKey[]): Promise<JwksServer> {
    let self!: JwksServer;
    const server = createServer((request, response) => {
      if (request.url !== '/.well-known/jwks.json') return void response.writeHead(404).end();
      self.fetches += 1;
      if (self.mode === 'reset') return void request.socket.destroy();
      if (self.mode === 'error') return void response.writeHead(503).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: self.keys.map((k) => k.jwk) }));
    });
    self = new JwksServer(server);
    self.keys = keys;
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }
}
