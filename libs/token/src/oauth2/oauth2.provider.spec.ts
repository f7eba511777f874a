import { Secret } from '../secret';
import { oauth2TokenRequest } from './oauth2.provider';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('oauth2TokenRequest', () => {
  it('sends client_secret_basic by default, as in RFC 6749 §2.3.1', () => {
    const request = oauth2TokenRequest({ tokenUrl: 'https://as.example/token', clientId: 's6BhdRkqt3', clientSecret: '7Fjfp0ZBr1KtDRbnfVdmIw' });
    expect(request).toEqual({
      body: 'grant_type=client_credentials',
      headers: { ...FORM, authorization: 'Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3' },
    });
  });

  it('form-encodes the id and secret before base64', () => {
    const { headers } = oauth2TokenRequest({ tokenUrl: 'https://as.example/token', clientId: 'app:one', clientSecret: new Secret('a b+c/d%') });
    expect(Buffer.from(headers.authorization.slice('Basic '.length), 'base64').toString()).toBe('app%3Aone:a+b%2Bc%2Fd%25');
  });

  it('adds scope and audience when configured', () => {
    const { body } = oauth2TokenRequest({
      tokenUrl: 'https://as.example/token',
      clientId: 'app',
      clientSecret: 's',
      scope: 'read:things write:things',
      audience: 'https://api.example/',
    });
    expect(body).toBe('grant_type=client_credentials&scope=read%3Athings+write%3Athings&audience=https%3A%2F%2Fapi.example%2F');
  });

  it('sends client_secret_post in the body, with no Authorization header', () => {
    const request = oauth2TokenRequest({ tokenUrl: 'https://as.example/token', clientId: 'app', clientSecret: 's&x=1', scope: 'read', authMethod: 'client_secret_post' });
    expect(request).toEqual({ body: 'grant_type=client_credentials&scope=read&client_id=app&client_secret=s%26x%3D1', headers: FORM });
  });
});
