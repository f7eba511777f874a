import type { GrantScope, TokenProvider } from '../providers/token-provider';
import { grantKey } from './grant-key';

const provider = (name: string, scope: GrantScope): TokenProvider =>
  ({ name, scope, enabled: true, fetchGrant: async () => ({ accessToken: 'x', expiresIn: 1 }), render: () => ({}) }) as TokenProvider;

// Merging in-flight requests on too little leaked one user's token to another (nextjs-auth0 #2382)
// and handed out tokens of the wrong scope (Duende): the key must hold everything that differs.
describe('grantKey', () => {
  it('shares an application grant between users', () => {
    const miso = provider('miso', 'application');
    expect(grantKey(miso, { user: { id: 'alice' } })).toBe(grantKey(miso, { user: { id: 'bob' } }));
  });

  it('keeps audiences apart, and users of one audience together', () => {
    const sentifyd = provider('sentifyd', 'audience');
    expect(grantKey(sentifyd, { audience: 'a' })).not.toBe(grantKey(sentifyd, { audience: 'b' }));
    expect(grantKey(sentifyd, { audience: 'a' })).not.toBe(grantKey(sentifyd, {}));
    expect(grantKey(sentifyd, { user: { id: 'alice' }, audience: 'a' })).toBe(grantKey(sentifyd, { user: { id: 'bob' }, audience: 'a' }));
  });

  it('keeps users apart for user-scoped grants, and their audiences too', () => {
    const perUser = provider('crm', 'user');
    expect(grantKey(perUser, { user: { id: 'alice' } })).not.toBe(grantKey(perUser, { user: { id: 'bob' } }));
    expect(grantKey(perUser, { user: { id: 'alice' }, audience: 'a' })).not.toBe(grantKey(perUser, { user: { id: 'alice' }, audience: 'b' }));
  });

  it('keeps providers apart, and cannot be confused by ids that contain separators', () => {
    expect(grantKey(provider('a', 'application'), {})).not.toBe(grantKey(provider('b', 'application'), {}));
    const perUser = provider('crm', 'user');
    expect(grantKey(perUser, { user: { id: 'x|a:y' } })).not.toBe(grantKey(perUser, { user: { id: 'x' }, audience: 'y' }));
  });
});
