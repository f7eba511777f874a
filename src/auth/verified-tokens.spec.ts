import { SignJWT } from 'jose';
import { secretVerifier } from './jwt-verifier';
import { VerifiedTokens } from './verified-tokens';

const SECRET = 'a-test-secret-of-at-least-32-bytes-0123456789';

describe('VerifiedTokens', () => {
  it('serves an entry until the earliest of its deadline and its life, then forgets it', () => {
    const tokens = new VerifiedTokens(10, 60_000);
    tokens.set('t1', 'alice', 0, 30_000);
    tokens.set('t2', 'bob', 0, 600_000);
    expect([tokens.get('t1', 29_999), tokens.get('t2', 59_999)]).toEqual(['alice', 'bob']);
    expect([tokens.get('t1', 30_000), tokens.get('t2', 60_000), tokens.get('t3', 0)]).toEqual([undefined, undefined, undefined]);
  });

  it('holds at most max entries, the oldest leaving first', () => {
    const tokens = new VerifiedTokens(2);
    for (const t of ['a', 'b', 'c']) tokens.set(t, t, 0, 1000);
    expect(['a', 'b', 'c'].map((t) => tokens.get(t, 1))).toEqual([undefined, 'b', 'c']);
  });
});

describe('secretVerifier', () => {
  const sign = (claims: Record<string, unknown>, exp: string | number = '1h') =>
    new SignJWT({ sub: 'alice', ...claims }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(exp).sign(Buffer.from(SECRET));

  it('answers a token verified lately at once, and a new one as a promise', async () => {
    const verify = secretVerifier(SECRET);
    const token = await sign({});
    const first = verify(token);
    expect(first).toBeInstanceOf(Promise);
    await expect(first).resolves.toBe('alice');
    expect(verify(token)).toBe('alice');
  });

  it('never remembers a token that failed, nor serves one past its exp', async () => {
    const verify = secretVerifier(SECRET);
    const tampered = `${(await sign({})).slice(0, -2)}xx`;
    await expect(verify(tampered)).resolves.toBeUndefined();
    await expect(verify(tampered)).resolves.toBeUndefined();
    const shortLived = await sign({}, Math.floor(Date.now() / 1000) + 1);
    await expect(verify(shortLived)).resolves.toBe('alice');
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'queueMicrotask'] });
    try {
      jest.setSystemTime(Date.now() + 2_000);
      expect(verify(shortLived)).toBeInstanceOf(Promise); // not served from memory past exp
    } finally {
      jest.useRealTimers();
    }
  });
});
