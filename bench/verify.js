'use strict';
/**
 * Verification cost: the microseconds one JWT verification takes with the
 * example app's own verifier (dist/src/auth: jose, keys prepared once), for
 * HS256 with a secret and for RS256, PS256, ES256 and EdDSA from a JWKS served
 * on loopback (fetched once, then cached, as in production). Each algorithm:
 * a warm-up, then `count` verifications one after another (wall time and this
 * process's CPU time, per verification), then the same count 64 at a time
 * (wall time per verification: what a busy server pays when jose's async
 * verify overlaps); for HS256 also the app's verifier as configured, which
 * answers a token it verified lately from memory. Runs in this process with
 * no load running beside it.
 */
const http = require('node:http');
const { generateKeyPairSync, randomBytes, randomUUID } = require('node:crypto');
const { fromDist } = require('./targets');

/** Targets of the issue: µs per verification, serial wall time. */
const TARGET_US = { HS256: 20, RS256: 60, ES256: 60 };

async function measureVerify({ count = 3000, warmup = 2000 } = {}) {
  const { SignJWT } = require('jose');
  const { secretVerifier, jwksVerifier } = fromDist('src/auth/jwt-verifier.js');
  const { jwksKeys } = fromDist('src/auth/jwks-keys.js');
  const checks = { issuer: 'https://idp.bench/', audience: 'bench' };
  const keys = {
    RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    PS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    EdDSA: generateKeyPairSync('ed25519'),
  };
  const kids = Object.fromEntries(Object.keys(keys).map((alg) => [alg, randomUUID()]));
  let fetches = 0;
  const jwks = JSON.stringify({ keys: Object.entries(keys).map(([alg, pair]) => ({ ...pair.publicKey.export({ format: 'jwk' }), kid: kids[alg], alg, use: 'sig' })) });
  const server = http.createServer((_request, response) => {
    fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    // Full verifications (remember: false), and the app's verifier as configured (a token seen lately is remembered).
    const fromJwks = jwksVerifier(jwksKeys(`http://127.0.0.1:${server.address().port}/jwks`), checks, false);
    const secret = randomBytes(32).toString('hex');
    const cases = [{ alg: 'HS256', verify: secretVerifier(secret, checks, false), remembered: secretVerifier(secret, checks), key: Buffer.from(secret) }];
    for (const [alg, pair] of Object.entries(keys)) cases.push({ alg, verify: fromJwks, key: pair.privateKey, kid: kids[alg] });
    const results = [];
    for (const c of cases) {
      const token = await new SignJWT({ sub: 'bench-user' })
        .setProtectedHeader({ alg: c.alg, ...(c.kid && { kid: c.kid }) })
        .setIssuer(checks.issuer)
        .setAudience(checks.audience)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(c.key);
      for (let i = 0; i < warmup; i += 1) if ((await c.verify(token)) !== 'bench-user') throw new Error(`${c.alg}: the bench token did not verify`);
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < count; i += 1) await c.verify(token);
      const serialUs = Number(process.hrtime.bigint() - t0) / 1e3 / count;
      const cpu = process.cpuUsage(cpu0);
      const cpuUs = (cpu.user + cpu.system) / count;
      const t1 = process.hrtime.bigint();
      for (let done = 0; done < count; done += 64) await Promise.all(Array.from({ length: 64 }, () => c.verify(token)));
      const concurrentUs = Number(process.hrtime.bigint() - t1) / 1e3 / (Math.ceil(count / 64) * 64);
      let rememberedUs;
      if (c.remembered) {
        await c.remembered(token);
        const t2 = process.hrtime.bigint();
        for (let i = 0; i < count; i += 1) c.remembered(token);
        rememberedUs = Number(process.hrtime.bigint() - t2) / 1e3 / count;
      }
      results.push({ alg: c.alg, serialUs, cpuUs, concurrentUs, rememberedUs, target: TARGET_US[c.alg] });
    }
    return { count, results, jwksFetches: fetches };
  } finally {
    server.close();
  }
}

module.exports = { measureVerify, TARGET_US };
