import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { AxiosResponse } from 'axios';
import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom } from 'rxjs';
import { TokenMetrics } from '../metrics/token-metrics';
import { TOKEN_SETTINGS, type TokenSettings } from '../token-settings';
import { CircuitBreaker } from './circuit-breaker';
import { throttledForMs } from './retry-after';
import { UpstreamError, type UpstreamFailure } from '../errors/upstream-error';

/** Whose call this is: the grant's audience (its circuit) and whether each call is billed (never retried). */
export interface UpstreamCallScope {
  readonly audience?: string;
  readonly billed?: boolean;
}

const MAX_BODY_BYTES = 64 * 1024;
/** Circuits kept at most; audiences come from requests, so the map must not grow without bound. */
const MAX_CIRCUITS = 10_000;
/** A retry with less time left than this could not get an answer in time: not worth making. */
const MIN_RETRY_MS = 100;
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

/** One call to an upstream, for {@link UpstreamClient.request}. */
export interface UpstreamRequest {
  /** Default `POST`. */
  readonly method?: 'GET' | 'POST';
  readonly url: string;
  /** Sent as is; say its type in `headers`. */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** `json` (default): the parsed JSON of the reply; `text`: its text. */
  readonly reply?: 'json' | 'text';
}

/**
 * The one way the library calls an upstream: a POST under one deadline
 * (`upstreamTimeoutMs`) that bounds the whole exchange, one jittered retry on
 * network errors and 5xx (never on 4xx) made only with the time the deadline
 * has left, a circuit per grant scope, and every failure turned into an
 * {@link UpstreamError} that holds no header, body or URL. Providers get it
 * bound to their name and the grant's audience, as the `ProviderUpstream`
 * passed to `fetchGrant`.
 *
 * @example
 * const body = await upstream.postJson('weather', `${base}/token`, { key: apiKey.reveal() });
 */
@Injectable()
export class UpstreamClient {
  private readonly circuits = new Map<string, CircuitBreaker>();
  private readonly timeoutMs: number;

  constructor(
    private readonly http: HttpService,
    @Inject(TOKEN_SETTINGS) private readonly settings: TokenSettings,
    @Optional() private readonly metrics?: TokenMetrics,
  ) {
    this.timeoutMs = settings.upstreamTimeoutMs;
  }

  /**
   * POSTs `body` as JSON (no body when undefined) and answers the parsed JSON of a 2xx reply.
   * @throws UpstreamError
   */
  postJson(provider: string, url: string, body?: unknown, headers: Record<string, string> = {}, scope?: UpstreamCallScope): Promise<unknown> {
    return this.request(provider, { url, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }, scope);
  }

  /**
   * One upstream exchange under the deadline, retry and circuit: `method`
   * (default POST) with a string `body` as given (set its content type in
   * `headers`), answering the parsed JSON of a 2xx reply, or its text with
   * `reply: 'text'`. `scope.audience` picks the circuit of the grant's scope;
   * `scope.billed` makes a call that is not a GET once, never retried (a retry
   * could be billed twice). Providers get both bound, through {@link ProviderUpstream}.
   *
   * @example
   * const form = new URLSearchParams({ grant_type: 'client_credentials' }).toString();
   * await upstream.request('oauth2', { url, body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
   * @throws UpstreamError
   */
  async request(provider: string, call: UpstreamRequest, scope: UpstreamCallScope = {}): Promise<unknown> {
    const circuit = this.circuit(provider, scope.audience);
    this.metrics?.watchCircuit(provider, circuit);
    if (!circuit.tryEnter()) throw new UpstreamError(provider, 'circuit_open');
    try {
      // Each HTTP attempt is measured (a retry is a second upstream request); a refusal by the circuit is none.
      // A billed call that is not idempotent is made once: a retry could be billed twice.
      const once = (timeoutMs: number) => this.measured(provider, () => this.once(provider, call, timeoutMs));
      const result = scope.billed && (call.method ?? 'POST') !== 'GET' ? await once(this.timeoutMs) : await this.withRetry(once);
      circuit.succeeded();
      return result;
    } catch (error) {
      // The upstream asked us to slow down: pause this circuit for its Retry-After (bounded), answer 503.
      const throttled = throttledForMs(error, this.settings.circuitResetMs);
      if (throttled !== undefined) {
        circuit.openFor(throttled);
        throw new UpstreamError(provider, 'unavailable', 429);
      }
      // A 4xx means the upstream is up and said no: that is not an outage.
      if ((error as UpstreamError).failure === 'rejected') circuit.succeeded();
      else circuit.failed();
      throw error;
    }
  }

  /**
   * The circuit of `provider` for `audience` (the grant's scope; none for an
   * application-scope provider), created closed on first use. When the map is
   * full the oldest circuit is forgotten: at worst it lets one failing call through.
   */
  circuit(provider: string, audience?: string): CircuitBreaker {
    const key = audience === undefined ? provider : `${provider}|a:${encodeURIComponent(audience)}`;
    let circuit = this.circuits.get(key);
    if (!circuit) {
      if (this.circuits.size >= MAX_CIRCUITS) this.forgetOldestCircuit();
      circuit = new CircuitBreaker(this.settings.circuitThreshold, this.settings.circuitResetMs, this.settings.clock);
      this.circuits.set(key, circuit);
    }
    return circuit;
  }

  private forgetOldestCircuit(): void {
    const [key, oldest] = this.circuits.entries().next().value as [string, CircuitBreaker];
    this.circuits.delete(key);
    this.metrics?.unwatchCircuit(key.split('|')[0], oldest);
  }

  /**
   * Runs `call` with the whole deadline, and once more after a short random
   * pause when it failed in a retryable way and enough of the deadline is left
   * (the retry gets only what is left). A timed-out first attempt has used the
   * deadline up, so a hung upstream costs one deadline, never two.
   */
  protected async withRetry<T>(call: (timeoutMs: number) => Promise<T>): Promise<T> {
    // Wall-clock on purpose: sockets time out in real time, whatever the injected clock says.
    const deadline = performance.now() + this.timeoutMs;
    try {
      return await call(this.timeoutMs);
    } catch (error) {
      if (!(error instanceof UpstreamError) || !error.retryable) throw error;
      const pause = 50 + Math.random() * 150;
      const left = deadline - performance.now() - pause;
      if (left < MIN_RETRY_MS) throw error;
      await sleep(pause);
      return call(Math.floor(left));
    }
  }

  private measured<T>(provider: string, call: () => Promise<T>): Promise<T> {
    return this.metrics ? this.metrics.measureUpstream(provider, call) : call();
  }

  private async once(provider: string, call: UpstreamRequest, timeoutMs: number): Promise<unknown> {
    let response: AxiosResponse<string>;
    try {
      response = await firstValueFrom(
        this.http.request<string>({
          method: call.method ?? 'POST',
          url: call.url,
          data: call.body,
          headers: { accept: call.reply === 'text' ? 'text/plain' : 'application/json', ...call.headers },
          timeout: timeoutMs,
          // A second guard, should axios' own timer not fire (a body that trickles in).
          signal: AbortSignal.timeout(timeoutMs + 50),
          responseType: 'text',
          transformResponse: (raw: string) => raw,
          validateStatus: () => true,
          maxRedirects: 0,
          maxContentLength: MAX_BODY_BYTES,
          proxy: false,
        }),
      );
    } catch (error) {
      // Deliberately not chained as `cause`: an axios error carries the request headers.
      throw new UpstreamError(provider, networkFailure(error));
    }
    if (response.status < 200 || response.status >= 300) {
      const error = new UpstreamError(provider, response.status >= 500 ? 'failed' : 'rejected', response.status);
      if (response.status === 429) throw Object.assign(error, { retryAfter: String(response.headers['retry-after'] ?? '') });
      throw error;
    }
    if (call.reply === 'text') return response.data;
    try {
      return JSON.parse(response.data);
    } catch {
      throw new UpstreamError(provider, 'invalid', response.status);
    }
  }
}

function networkFailure(error: unknown): UpstreamFailure {
  const code = (error as { code?: string }).code ?? '';
  if (TIMEOUT_CODES.has(code) || (error as Error).name === 'TimeoutError') return 'timeout';
  if (code === 'ERR_BAD_RESPONSE' || code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED') return 'invalid';
  return 'unavailable';
}
