import { requestUser } from './request-user';

describe('requestUser (the example app\'s resolveUser)', () => {
  const verify = jest.fn((token: string) => (token === 'good' ? 'alice' : Promise.resolve(token === 'new' ? 'bob' : undefined)));
  const resolve = requestUser(verify, 'session');
  beforeEach(() => verify.mockClear());

  it('answers an anonymous request at once, verifying nothing', () => {
    expect(resolve({ headers: {} })).toBeUndefined();
    expect(resolve({ headers: { cookie: 'theme=dark' } })).toBeUndefined();
    expect(verify).not.toHaveBeenCalled();
  });

  it('answers a token verified lately at once, a new one as a promise', async () => {
    expect(resolve({ headers: { authorization: 'Bearer good' } })).toEqual({ id: 'alice', via: 'bearer' });
    await expect(resolve({ headers: { cookie: 'session=new' } })).resolves.toEqual({ id: 'bob', via: 'cookie' });
  });

  it('lets the Authorization header decide when there is one, whatever the cookie says', async () => {
    expect(resolve({ headers: { authorization: 'Basic YTpi', cookie: 'session=good' } })).toBeUndefined();
    await expect(resolve({ headers: { authorization: 'Bearer bad', cookie: 'session=good' } })).resolves.toBeUndefined();
    expect(verify).toHaveBeenCalledWith('bad');
  });
});
