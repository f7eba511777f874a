import type { HttpRequestLike } from './http-exchange';
import { setHeader } from './http-exchange';

/** CORS answers for one route's allow-list. Never `*`, so never `*` with credentials. */
export class TokenCors {
  /** `allows`: the route's CORS allow-list as a test (the CSRF rule reads it too). */
  constructor(readonly allows: (origin: string) => boolean) {}

  /**
   * Adds CORS headers for an allowed `Origin` (echoed, with credentials), and
   * the preflight's grants on `OPTIONS`. A foreign origin gets none: its
   * browser then withholds the answer from the page.
   */
  apply(request: HttpRequestLike, reply: unknown): void {
    setHeader(reply, 'Vary', 'Origin');
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !this.allows(origin)) return;
    setHeader(reply, 'Access-Control-Allow-Origin', origin);
    setHeader(reply, 'Access-Control-Allow-Credentials', 'true');
    if (request.method === 'OPTIONS') {
      setHeader(reply, 'Access-Control-Allow-Methods', 'GET, POST');
      setHeader(reply, 'Access-Control-Allow-Headers', 'Authorization, Content-Type');
      setHeader(reply, 'Access-Control-Max-Age', '600');
    }
  }
}
