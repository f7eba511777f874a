import type { TokenUser } from '../providers/token-provider';
import type { TokenSettings } from '../token-settings';
import { TokenUsers } from './token-users';

const usersWith = (resolveUser: (request: unknown) => unknown) => new TokenUsers({ resolveUser } as unknown as TokenSettings);

describe('TokenUsers', () => {
  it('asks a synchronous resolver once per request and makes no promise', () => {
    const resolver = jest.fn((): TokenUser => ({ id: 'u1' }));
    const users = usersWith(resolver);
    const request = {};
    expect(users.resolve(request)).toEqual({ id: 'u1' });
    expect(users.of(request)).toEqual({ id: 'u1' });
    expect(resolver).toHaveBeenCalledTimes(1);
  });

  it('shares one pending promise between callers, then answers synchronously', async () => {
    let finish!: (user: TokenUser | undefined) => void;
    const resolver = jest.fn(() => new Promise<TokenUser | undefined>((done) => (finish = done)));
    const users = usersWith(resolver);
    const request = {};
    const first = users.resolve(request);
    const second = users.resolve(request);
    expect(first).toBe(second);
    expect(() => users.of(request)).toThrow(/TokenGuard first/);
    finish({ id: 'u2', via: 'cookie' });
    await expect(first).resolves.toEqual({ id: 'u2', via: 'cookie' });
    expect(users.of(request)).toEqual({ id: 'u2', via: 'cookie' });
    expect(resolver).toHaveBeenCalledTimes(1);
  });

  it('keeps "nobody" too, and refuses users without an id', async () => {
    const resolver = jest.fn(async () => ({ id: '' }));
    const users = usersWith(resolver);
    const request = {};
    await expect(users.resolve(request)).resolves.toBeUndefined();
    expect(users.resolve(request)).toBeUndefined();
    expect(resolver).toHaveBeenCalledTimes(1);
  });

  it('passes a rejection on and asks again on the next call', async () => {
    const resolver = jest.fn().mockRejectedValueOnce(new Error('lookup failed')).mockResolvedValueOnce({ id: 'u3' });
    const users = usersWith(resolver);
    const request = {};
    await expect(users.resolve(request)).rejects.toThrow('lookup failed');
    await expect(users.resolve(request)).resolves.toEqual({ id: 'u3' });
  });
});
