import { allowsCookieRequest } from './fetch-metadata';
import { originMatcher } from './origin-matcher';

const allowed = originMatcher(['https://partner.example']);
const HOST = 'app.example';

describe('allowsCookieRequest (the CSRF rule of cookie-signed requests)', () => {
  it.each([
    ['same-origin', undefined, true],
    ['same-origin', 'https://evil.example', true],
    ['none', undefined, true],
    ['cross-site', 'https://evil.example', false],
    ['cross-site', undefined, false],
    ['cross-site', 'https://partner.example', true],
    ['same-site', 'https://sub.app.example', false],
    ['same-site', 'https://partner.example', true],
    ['cross-site, same-origin', 'https://evil.example', false],
    ['weird', 'https://partner.example', true],
    [undefined, undefined, true],
    [undefined, 'https://app.example', true],
    [undefined, 'https://evil.example', false],
    [undefined, 'null', false],
    [undefined, 'https://partner.example', true],
  ])('Sec-Fetch-Site %s, Origin %s: %s', (site, origin, expected) => {
    const headers = { host: HOST, ...(site && { 'sec-fetch-site': site }), ...(origin && { origin }) };
    expect(allowsCookieRequest(headers, allowed, undefined)).toBe(expected);
  });

  it('takes the public host over the Host header when one is configured', () => {
    expect(allowsCookieRequest({ host: 'internal:3000', origin: 'https://app.example' }, undefined, 'app.example')).toBe(true);
    expect(allowsCookieRequest({ host: 'internal:3000', origin: 'http://internal:3000' }, undefined, 'app.example')).toBe(false);
  });

  it('refuses every foreign origin when the route has no CORS list', () => {
    expect(allowsCookieRequest({ host: HOST, 'sec-fetch-site': 'cross-site', origin: 'https://partner.example' }, undefined)).toBe(false);
  });
});
