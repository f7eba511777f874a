/**
 * The browser client's runtime. The emitted ESM loads in a browser without a
 * bundler, so relative imports carry `.js` suffixes (jest maps them back).
 */
import { TokenClientError } from './token-client-error.js';
import type { TabChannel, TabLocks, TokenClient, TokenClientOptions, TokenListener, TokenResult } from './types.js';

/** A token with the moment it enters its refresh-ahead window, and the handle that refreshes it. */
interface Grant {
  result: TokenResult;
  refreshAt: number;
  handle?: string;
}

/** When the tab that fetched `grant` received it (browser clock). */
const receivedAt = ({ result }: Grant) => result.expiresAt - result.expiresIn * 1000;

/** How long a tab waits for another tab to hand it a fresh token before it fetches. */
const ASK_MS = 50;

/**
 * Makes a client for one token route. Across tabs of one origin it uses Web Locks
 * so that only one tab fetches at a time, and a BroadcastChannel to hand the new
 * token to the others (the tab that waited for the lock first checks whether one
 * arrived): locks give mutual exclusion, the channel spreads the result without
 * storage. Browsers do not order the message against the lock hand-off, and a tab
 * just opened has heard nothing yet, so before it fetches a tab asks the others
 * over the channel and waits up to 50 ms for a fresh token (an answer, or the
 * message still on its way); if one is missed anyway, it costs one more fetch
 * (same handle, inside its grace) and tabs converge on the newest token.
 * The message carries the refresh handle too: rotation kills a spent
 * handle after a short grace, so every tab must hold the newest one to stay in
 * one chain. The handle lives only in memory (this closure and the same-origin
 * channel), never in any storage or cookie, and never in `body`. Without locks
 * or channel (old browsers, workers, Node) each client is a single tab.
 *
 * @example
 * import { createTokenClient } from 'nestjs-token-broker/browser';
 * const client = createTokenClient({ url: '/request_tokens?avatar_id=avtr_1234abcd' });
 * const { token } = await client.getToken();
 */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  const { url, refreshAhead = 0.2, minRefreshAheadMs = 10_000, clock = Date } = options;
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const name = options.syncName ?? `nestjs-token-broker ${url}`;
  // Cast rather than DOM lib types: the server-side build type-checks this file too.
  const env = globalThis as unknown as {
    navigator?: { locks?: TabLocks };
    BroadcastChannel?: new (name: string) => TabChannel;
  };
  const locks = options.locks === undefined ? env.navigator?.locks : options.locks;
  const Channel = env.BroadcastChannel;
  let channel =
    options.channel === undefined ? (Channel ? new Channel(name) : null) : (options.channel?.(name) ?? null);
  const listeners = new Set<TokenListener>();
  let held: Grant | undefined;
  let inflight: Promise<TokenResult> | undefined;
  let heard: (() => void) | undefined;

  const fresh = () => (held && clock.now() < held.refreshAt ? held.result : undefined);

  const adopt = (grant: Grant) => {
    held = grant;
    heard?.();
    for (const listener of [...listeners]) {
      // A broken listener must not fail getToken nor starve the others; rethrown to be seen.
      try {
        listener(grant.result);
      } catch (e) {
        setTimeout(() => {
          throw e;
        });
      }
    }
  };

  if (channel) {
    channel.addEventListener('message', ({ data }) => {
      // A tab that just opened asks for the token; any tab holding a fresh one answers.
      if ((data as { ask?: unknown } | undefined)?.ask) {
        if (fresh()) channel?.postMessage(held);
        return;
      }
      const grant = data as Grant | undefined;
      // The latest fetch wins: it holds the newest handle, even when the server answered its
      // cached token again with less time left. Tabs that fetched at once (no locks) converge;
      // the same token twice is no news.
      if (grant?.result && (!held || receivedAt(grant) > receivedAt(held))) adopt(grant);
    });
  }

  const request = async (handle?: string): Promise<Response> => {
    const headers = new Headers(options.fetchInit?.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    const body = JSON.stringify(handle ? { ...options.body, refreshToken: handle } : { ...options.body });
    try {
      return await send(url, { credentials: 'include', ...options.fetchInit, method: 'POST', headers, body });
    } catch (e) {
      throw new TokenClientError(`Token request failed: ${(e as Error)?.message ?? e}`, 0, 'network_error');
    }
  };

  const read = async (res: Response): Promise<Grant> => {
    // Untrusted JSON: `any` with optional chaining, and nothing is used unchecked.
    let data: any = await res.json().catch(() => undefined);
    if (!res.ok) {
      const code = typeof data?.error === 'string' ? data.error : 'http_error';
      throw new TokenClientError(data?.detail ?? data?.title ?? `HTTP ${res.status}`, res.status, code);
    }
    const tokens = data?.tokens;
    const token = data?.token ?? tokens?.accessToken;
    const expiresIn = data?.expiresIn ?? tokens?.expiresIn;
    if (typeof token !== 'string' || !(expiresIn > 0)) {
      throw new TokenClientError('The token route answered without a token', res.status, 'invalid_response');
    }
    let handle: string | undefined;
    if (tokens && typeof tokens.refreshToken === 'string') {
      const { refreshToken, ...rest } = tokens;
      handle = refreshToken;
      data = { ...data, tokens: rest };
    }
    const now = clock.now();
    const life = expiresIn * 1000;
    // The server's refresh-ahead window (a fifth of the life, at least 10 s, at most half). The route
    // states whole seconds rounded down, so the token may live up to a second longer than `life`: the
    // refresh point is that second later, which puts it inside the server's own window, where the
    // route answers a newer token. Earlier, it would answer this one again: two requests per lifetime.
    const window = Math.min(Math.max(life * refreshAhead, minRefreshAheadMs), life / 2);
    const refreshAt = now + Math.min(life, life + 1000 - window);
    const result = { token, expiresIn, expiresAt: now + life, refreshAt, body: data };
    return { result, refreshAt, handle };
  };

  const issue = async (): Promise<Grant> => {
    const handle = held?.handle;
    let res = await request(handle);
    // A dead handle (expired, past its grace, revoked) is no reason to fail: start a new chain, once.
    if (res.status === 401 && handle) {
      // Forget it, or every later call would spend a request on it first.
      if (held?.handle === handle) held.handle = undefined;
      res = await request();
    }
    return read(res);
  };

  const obtain = async (): Promise<TokenResult> => {
    const run = async () => {
      // Another tab may have fetched while this one waited for the lock, its broadcast
      // still on the way; or this tab just opened. Ask, and wait briefly for a token.
      if (!fresh() && channel) {
        await new Promise<void>((done) => {
          heard = done;
          setTimeout(done, ASK_MS);
          channel?.postMessage({ ask: 1 });
        });
        heard = undefined;
      }
      const current = fresh();
      if (current) return current;
      const grant = await issue();
      adopt(grant);
      channel?.postMessage(grant);
      return grant.result;
    };
    return locks ? locks.request(name, run) : run();
  };

  return {
    getToken() {
      const current = fresh();
      if (current) return Promise.resolve(current);
      return (inflight ??= obtain().finally(() => {
        inflight = undefined;
      }));
    },
    onToken(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    close() {
      listeners.clear();
      channel?.close();
      channel = null;
    },
  };
}
