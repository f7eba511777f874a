import { originMatcher, requestOrigin } from './origin-matcher';

describe('origin-matcher', () => {
  describe('originMatcher', () => {
    const allowed = originMatcher(['https://App.Example', 'https://admin.example/', 'http://localhost:*']);

    it('ignores case', () => {
      expect(allowed('https://app.example')).toBe(true);
      expect(allowed('HTTPS://APP.EXAMPLE')).toBe(true);
    });

    it('ignores a trailing slash on either side', () => {
      expect(allowed('https://app.example/')).toBe(true);
      expect(allowed('https://admin.example')).toBe(true);
    });

    it('lets `http://host:*` match that host on any port, or none', () => {
      expect(allowed('http://localhost:5173')).toBe(true);
      expect(allowed('http://localhost:3000/')).toBe(true);
      expect(allowed('http://localhost')).toBe(true);
    });

    it.each([
      'https://localhost:5173', // other scheme
      'http://app.example', // other scheme
      'https://evil.example',
      'https://app.example.evil.com',
      'https://evilapp.example',
      'http://localhost.evil.com:5173',
      'http://evil.com:5173',
      'https://app.example:8443', // exact entries do not take any port
      'null',
      '',
    ])('does not match %j', (origin) => {
      expect(allowed(origin)).toBe(false);
    });

    it('matches nothing with an empty list', () => {
      expect(originMatcher([])('https://app.example')).toBe(false);
    });
  });

  describe('requestOrigin', () => {
    it('takes the Origin header', () => {
      expect(requestOrigin({ origin: 'https://app.example', referer: 'https://other.example/x' })).toBe('https://app.example');
    });

    it("falls back to the origin of the Referer, without path or query", () => {
      expect(requestOrigin({ referer: 'https://app.example:8443/page/x?token=1#y' })).toBe('https://app.example:8443');
    });

    it('gives no origin for an opaque Referer (about:blank, file:)', () => {
      expect(requestOrigin({ referer: 'about:blank' })).toBeUndefined();
      expect(requestOrigin({ referer: 'file:///home/me/page.html' })).toBeUndefined();
    });

    it("keeps an Origin of 'null' (an opaque origin): a Referer never stands in for it", () => {
      expect(requestOrigin({ origin: 'null', referer: 'https://app.example/page' })).toBe('null');
      expect(originMatcher(['https://app.example'])('null')).toBe(false);
    });

    it('is undefined without usable headers', () => {
      expect(requestOrigin({})).toBeUndefined();
      expect(requestOrigin({ referer: 'not a url' })).toBeUndefined();
      expect(requestOrigin({ origin: ['https://a.example', 'https://b.example'] })).toBeUndefined();
    });
  });
});
