import type { Upstreams } from '../support/harness';

interface SentifydBody {
  tokens: { accessToken: string; refreshToken: string; expiresIn: number };
}

/**
 * A cold burst of `count` Sentifyd requests for one avatar (`send(i)` sends the
 * i-th) makes one upstream login: every caller gets the one shared access
 * token, and a refresh handle of its own. Prints the login count as a figure.
 */
export async function expectOneSentifydLogin(label: string, upstreams: Upstreams, count: number, send: (i: number) => Promise<Response>): Promise<void> {
  const before = upstreams.sentifyd.count;
  const responses = await Promise.all(Array.from({ length: count }, (_, i) => send(i)));
  const bodies = (await Promise.all(responses.map((r) => r.json()))) as SentifydBody[];
  const logins = upstreams.sentifyd.count - before;
  console.log(`[figures] ${label}, ${count} concurrent cold /request_tokens: ${logins} upstream login(s)`);
  expect(responses.map((r) => r.status)).toEqual(Array(count).fill(200));
  expect(logins).toBe(1);
  expect(new Set(bodies.map((b) => b.tokens.accessToken)).size).toBe(1);
  // Refresh handles are per request and per user, even though the grant is shared.
  expect(new Set(bodies.map((b) => b.tokens.refreshToken)).size).toBe(count);
}
