import { TokenProblem } from './token-problem';

/**
 * How an upstream call failed. Each maps to one status of the contract:
 * `rejected` (4xx), `failed` (5xx) and `invalid` → 502, `unavailable` and `circuit_open` → 503, `timeout` → 504.
 */
export type UpstreamFailure = 'rejected' | 'failed' | 'invalid' | 'unavailable' | 'circuit_open' | 'timeout';

const STATUS: Readonly<Record<UpstreamFailure, number>> = {
  rejected: 502,
  failed: 502,
  invalid: 502,
  unavailable: 503,
  circuit_open: 503,
  timeout: 504,
};

const DETAIL: Readonly<Record<UpstreamFailure, string>> = {
  rejected: 'The token upstream refused the request.',
  failed: 'The token upstream failed to answer the request.',
  invalid: 'The token upstream answered something that is not a token.',
  unavailable: 'The token upstream cannot be reached.',
  circuit_open: 'The token upstream is failing; calls are paused for a moment.',
  timeout: 'The token upstream did not answer in time.',
};

/**
 * A failed upstream call. Its message is built from the provider name, the
 * failure kind and the HTTP status only: never the upstream's body, headers or
 * the request that was sent, so it is safe to log.
 */
export class UpstreamError extends Error {
  constructor(
    readonly provider: string,
    readonly failure: UpstreamFailure,
    /** HTTP status the upstream answered, when it answered. */
    readonly upstreamStatus?: number,
  ) {
    super(`${provider} upstream ${failure}${upstreamStatus ? ` (HTTP ${upstreamStatus})` : ''}`);
    this.name = 'UpstreamError';
  }

  /** True for failures worth one retry: the network, or a 5xx. */
  get retryable(): boolean {
    return this.failure === 'unavailable' || this.failure === 'timeout' || this.failure === 'failed';
  }

  /** The problem the browser gets for this failure. */
  toProblem(): TokenProblem {
    return new TokenProblem(STATUS[this.failure], `upstream_${this.failure}`, DETAIL[this.failure]);
  }
}
