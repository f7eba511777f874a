import { createTokenClient } from './token-client';
import type { TabChannel, TabLocks, TokenClientOptions } from './types';

/** Two tabs of one origin share these, as a browser shares `navigator.locks` and channels. */
function fakeBrowser(messageDelayMs?: number) {
  const tails = new Map<string, Promise<unknown>>();
  const locks: TabLocks = {
    // Holders of one name run one after another, like exclusive Web Locks.
    request(name, callback) {
      const run = (tails.get(name) ?? Promise.resolve()).then(() => callback());
      tails.set(name, run.catch(() => undefined));
      return run;
    },
  };
  const open = new Set<{ name: string; deliver: (data: unknown) => void }>();
  const posted: unknown[] = [];
  const channel = (name: string): TabChannel => {
    const listeners: Array<(event: { data: unknown }) => void> = [];
    const me = { name, deliver: (data: unknown) => listeners.forEach((l) => l({ data })) };
    open.add(me);
    return {
      // Asynchronous and cloned, like the real channel; never back to the sender.
      postMessage(message) {
        posted.push(message);
        for (const other of open) {
          if (other === me || other.name !== name) continue;
          const deliver = () => other.deliver(structuredClone(message));
          if (messageDelayMs === undefined) queueMicrotask(deliver);
          else setTimeout(deliver, messageDelayMs);
        }
      },
      addEventListener: (_, listener) => listeners.push(listener),
      close: () => open.delete(me),
    };
  };
  return { locks, channel, posted, open };
}

let n = 0;
const calls: Array<Record<string, unknown>> = [];
/** Lifetimes the route states, in turn (then 100 s). */
let lifetimes: number[] = [];
const fetch = async (_: string, init: RequestInit) => {
  calls.push(JSON.parse(String(init.body)));
  n += 1;
  const json = { tokens: { accessToken: `acc-${n}`, refreshToken: `h${n}`, expiresIn: lifetimes.shift() ?? 100 }, avatarParameters: {} };
  return new Response(JSON.stringify(json), { headers: { 'content-type': 'application/json' } });
};
let now: number;
const clock = { now: () => now };
beforeEach(() => {
  n = 0;
  lifetimes = [];
  calls.length = 0;
  now = 1_000_000;
});

const tabs = (extra: Partial<TokenClientOptions> = {}) => {
  const browser = fakeBrowser();
  const options = { url: '/request_tokens?avatar_id=a1', syncName: 'sync', fetch, clock, ...browser, ...extra };
  return { a: createTokenClient(options), b: createTokenClient(options), browser };
};

describe('two tabs', () => {
  it('the second tab makes no fetch when the first just fetched', async () => {
    const { a, b } = tabs();
    await a.getToken();
    expect((await b.getToken()).token).toBe('acc-1');
    expect(calls).toHaveLength(1);
  });

  it('asking at once makes one fetch: the tab that waited for the lock takes the broadcast token', async () => {
    const { a, b } = tabs();
    const [ra, rb] = await Promise.all([a.getToken(), b.getToken()]);
    expect([ra.token, rb.token, calls.length]).toEqual(['acc-1', 'acc-1', 1]);
  });

  it('one fetch per refresh even when the broadcast arrives after the lock hand-off, as browsers allow', async () => {
    const browser = fakeBrowser(10);
    const options = { url: '/request_tokens?avatar_id=a1', syncName: 'sync', fetch, clock, ...browser };
    const [a, b] = [createTokenClient(options), createTokenClient(options)];
    await Promise.all([a.getToken(), b.getToken()]);
    // Both tabs' tokens enter the refresh window at once, as in two tabs of one page.
    now += 81_000;
    const [ra, rb] = await Promise.all([a.getToken(), b.getToken()]);
    expect([ra.token, rb.token]).toEqual(['acc-2', 'acc-2']);
    expect(calls).toEqual([{}, { refreshToken: 'h1' }]);
  });

  it('takes a refresh that lives shorter than the token before it: it holds the newest handle', async () => {
    // The server answers its cached grant again, with only the time it has left.
    lifetimes = [100, 15];
    const { a, b } = tabs();
    await Promise.all([a.getToken(), b.getToken()]);
    now += 81_000;
    expect((await a.getToken()).token).toBe('acc-2');
    await Promise.resolve();
    expect((await b.getToken()).token).toBe('acc-2');
    now += 12_000;
    await b.getToken();
    expect(calls).toEqual([{}, { refreshToken: 'h1' }, { refreshToken: 'h2' }]);
  });

  it('keeps both tabs in one handle chain', async () => {
    const { a, b } = tabs();
    await a.getToken();
    now += 81_000;
    await b.getToken();
    now += 81_000;
    await a.getToken();
    expect(calls).toEqual([{}, { refreshToken: 'h1' }, { refreshToken: 'h2' }]);
  });

  it("tells the other tab's listeners, with the handle kept out of body", async () => {
    const { a, b, browser } = tabs();
    const seen: unknown[] = [];
    b.onToken((r) => seen.push(r.body));
    await a.getToken();
    expect(seen).toEqual([{ tokens: { accessToken: 'acc-1', expiresIn: 100 }, avatarParameters: {} }]);
    // The first tab asked before it fetched; then the one grant went out.
    expect(browser.posted).toEqual([{ ask: 1 }, expect.objectContaining({ handle: 'h1' })]);
  });

  it('a tab opened later asks the others and takes their fresh token, handle included, with no fetch', async () => {
    const browser = fakeBrowser();
    const options = { url: '/request_tokens?avatar_id=a1', syncName: 'sync', fetch, clock, ...browser };
    const a = createTokenClient(options);
    await a.getToken();
    now += 10_000;
    const late = createTokenClient(options);
    expect((await late.getToken()).token).toBe('acc-1');
    expect(calls).toHaveLength(1);
    // It joined the one handle chain: its refresh spends h1.
    now += 71_000;
    await late.getToken();
    expect(calls).toEqual([{}, { refreshToken: 'h1' }]);
  });

  it('a tab opened later fetches when the others hold only a token in its refresh window', async () => {
    const browser = fakeBrowser();
    const options = { url: '/request_tokens?avatar_id=a1', syncName: 'sync', fetch, clock, ...browser };
    const a = createTokenClient(options);
    await a.getToken();
    now += 90_000;
    const late = createTokenClient(options);
    expect((await late.getToken()).token).toBe('acc-2');
    expect(calls).toEqual([{}, {}]);
    // The others adopt the newer token, so they stay in the newest chain.
    expect((await a.getToken()).token).toBe('acc-2');
    expect(calls).toHaveLength(2);
  });

  it('the same token arriving twice tells listeners once', async () => {
    const { a, b, browser } = tabs();
    const seen: string[] = [];
    b.onToken((r) => seen.push(r.token));
    await a.getToken();
    browser.channel('sync').postMessage(browser.posted.find((m) => (m as { result?: unknown }).result));
    await Promise.resolve();
    expect(seen).toEqual(['acc-1']);
  });

  it('ignores a late message carrying an older token', async () => {
    const { a, browser } = tabs();
    await a.getToken();
    const stale = { token: 'old', expiresIn: 100, expiresAt: now, body: {} };
    browser.channel('sync').postMessage({ result: stale, refreshAt: now, handle: 'h0' });
    await Promise.resolve();
    now += 81_000;
    await a.getToken();
    expect(calls).toEqual([{}, { refreshToken: 'h1' }]);
  });

  it('without locks and channel each tab fetches for itself', async () => {
    const { a, b } = tabs({ locks: null, channel: null });
    await a.getToken();
    await b.getToken();
    expect(calls).toHaveLength(2);
  });

  it('close() leaves the channel', async () => {
    const { a, browser } = tabs();
    a.close();
    expect(browser.open.size).toBe(1);
  });
});

describe('feature detection', () => {
  // Real Node channels keep jest alive until closed, so close them even when a test fails.
  const opened: Array<{ close(): void }> = [];
  afterEach(() => {
    opened.splice(0).forEach((c) => c.close());
    delete (globalThis as { navigator?: unknown }).navigator;
  });

  it('finds navigator.locks and BroadcastChannel on its own', async () => {
    const { locks } = fakeBrowser();
    const request = jest.fn(locks.request);
    Object.defineProperty(globalThis, 'navigator', { value: { locks: { request } }, configurable: true });
    // Node's own BroadcastChannel stands in for the browser's; a unique url keeps other suites out.
    const options = { url: `/detect-${Math.random()}`, fetch, clock };
    const [a, b] = [createTokenClient(options), createTokenClient(options)];
    opened.push(a, b);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arrived = new Promise<boolean>((resolve) => {
      b.onToken(() => resolve(true));
      timer = setTimeout(() => resolve(false), 1000);
    });
    await a.getToken();
    expect(await arrived).toBe(true);
    clearTimeout(timer);
    await b.getToken();
    expect([calls.length, request.mock.calls.length]).toEqual([1, 1]);
  });
});
