/**
 * Why no token could be had. `code` is the problem+json `error` member of the
 * route's answer (`unauthorized`, `rate_limited`, ...), `http_error` for an error
 * answer without one, `network_error` (status 0) when the request never got an
 * answer, `invalid_response` for a success answer without a token and lifetime.
 *
 * @example
 * try {
 *   await client.getToken();
 * } catch (e) {
 *   if (e instanceof TokenClientError && e.code === 'unauthorized') showSignIn();
 * }
 */
export class TokenClientError extends Error {
  override name = 'TokenClientError';

  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}
