import type { Clock } from '../clock';
import { UpstreamError } from '../errors/upstream-error';
import type { UpstreamCallScope, UpstreamClient, UpstreamRequest } from './upstream.client';

/**
 * The upstream client as one provider sees it: bound to the provider's name
 * and to the audience of the grant being fetched, so its calls go through the
 * circuit of that provider and audience (one avatar's failures never refuse
 * another's) without either being passed. The library hands one to
 * `fetchGrant` and `refreshGrant`; it holds no state of its own.
 *
 * @example
 * async fetchGrant(upstream: ProviderUpstream) {
 *   const body = await upstream.postJson('https://auth.example/token', { grant_type: 'client_credentials' });
 *   if (!isTokenReply(body)) throw upstream.invalid();
 *   return { accessToken: body.access_token, expiresIn: body.expires_in };
 * }
 */
export class ProviderUpstream {
  private readonly scope: UpstreamCallScope;

  constructor(
    private readonly client: UpstreamClient,
    /** The provider's name: the label of its metrics and errors. */
    readonly provider: string,
    /** The audience of the grant (Sentifyd: the avatar id), when the provider takes one. */
    readonly audience: string | undefined,
    private readonly clock: Clock,
    /** A billed (per-request) provider's calls: one attempt each, never retried unless a GET. */
    billed = false,
  ) {
    this.scope = { audience, billed };
  }

  /**
   * POSTs `body` as JSON (no body when undefined) and answers the parsed JSON of a 2xx reply.
   * @throws UpstreamError
   */
  postJson(url: string, body?: unknown, headers?: Record<string, string>): Promise<unknown> {
    return this.client.postJson(this.provider, url, body, headers, this.scope);
  }

  /**
   * Any other exchange: `method` (default POST), a string `body` as given,
   * the parsed JSON of a 2xx reply, or its text with `reply: 'text'`.
   * @throws UpstreamError
   */
  request(call: UpstreamRequest): Promise<unknown> {
    return this.client.request(this.provider, call, this.scope);
  }

  /** The module's clock, in ms since the epoch: count a stated expiry from here (tests move it). */
  now(): number {
    return this.clock.now();
  }

  /** The error to throw for an answer that is not what the upstream documents (502, its body never quoted). */
  invalid(status?: number): UpstreamError {
    return new UpstreamError(this.provider, 'invalid', status);
  }
}
