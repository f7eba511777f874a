/**
 * Public types of the browser client. Types only: this file emits no code, so
 * importing it costs nothing at runtime (and nothing for jest to resolve).
 */

/**
 * A token ready for use, as one token route answered it.
 *
 * @example
 * const { token, expiresAt, body } = await client.getToken();
 * sdk.init({ token, config: body.config });
 */
export interface TokenResult {
  /** The bearer token: the answer's `token`, or Sentifyd's `tokens.accessToken`. */
  readonly token: string;
  /** Seconds of life the route granted, as it answered. */
  readonly expiresIn: number;
  /** Milliseconds since the epoch, on this browser's clock at receipt, when the token dies. */
  readonly expiresAt: number;
  /**
   * When `getToken` fetches a newer token (same clock): the start of the route's
   * refresh-ahead window, where the route has a newer one to give. Schedule the
   * next `getToken` for then.
   */
  readonly refreshAt: number;
  /**
   * The whole parsed answer minus the refresh handle (`tokens.refreshToken`),
   * which stays inside the client so page code can neither leak nor persist it.
   */
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * Called with every new token, fetched by this client or received from another tab.
 *
 * @example
 * const listener: TokenListener = ({ token }) => sdk.setToken(token);
 */
export type TokenListener = (result: TokenResult) => void;

/**
 * What `createTokenClient` returns.
 *
 * @example
 * const off = client.onToken(({ token }) => sdk.setToken(token));
 * await client.getToken();
 * off();
 * client.close();
 */
export interface TokenClient {
  /** A valid token; fetches only when none is held or the held one is in its refresh-ahead window. */
  getToken(): Promise<TokenResult>;
  /** Subscribes to new tokens; returns the unsubscribe function. */
  onToken(listener: TokenListener): () => void;
  /** Drops the listeners and the tab channel. `getToken` keeps working, as a single tab. */
  close(): void;
}

/**
 * The part of Web Locks (`navigator.locks`) the client uses. Declared here so the
 * code type-checks without the DOM lib, and so tests can pass an in-memory fake.
 *
 * @example
 * createTokenClient({ url, locks: navigator.locks });
 */
export interface TabLocks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/**
 * The part of `BroadcastChannel` the client uses; see {@link TabLocks} for why.
 *
 * @example
 * createTokenClient({ url, channel: (name) => new BroadcastChannel(name) });
 */
export interface TabChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/**
 * Options of `createTokenClient`.
 *
 * @example
 * const options: TokenClientOptions = { url: '/request_tokens?avatar_id=avtr_1234abcd', refreshAhead: 0.25 };
 */
export interface TokenClientOptions {
  /** The token route, e.g. `/api/client-token`. */
  url: string;
  /** Merged into every request (`credentials: 'include'` unless you say otherwise); method and body are the client's. */
  fetchInit?: RequestInit;
  /** Extra JSON members sent with every request; the client adds `refreshToken` when it holds a handle. */
  body?: Record<string, unknown>;
  /**
   * The refresh-ahead window, as a fraction of the token's life at its end, in
   * which `getToken` fetches a new one: the route's own rule (`expiry.refreshAheadRatio`
   * on the server), so that the route has a newer token to give. Default 0.2.
   */
  refreshAhead?: number;
  /** The window is at least this long, at most half the life (`expiry.minRefreshAheadMs` on the server). Default 10 000. */
  minRefreshAheadMs?: number;
  /** Where time comes from; default `Date.now`. */
  clock?: { now(): number };
  /** Default `globalThis.fetch`. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Lock and channel name, so clients of one route in all tabs find each other. Default derived from `url`. */
  syncName?: string;
  /** Default `navigator.locks` when present; `null` turns cross-tab locking off. */
  locks?: TabLocks | null;
  /** Makes the tab channel; default `BroadcastChannel` when present; `null` turns sharing off. */
  channel?: ((name: string) => TabChannel) | null;
}
