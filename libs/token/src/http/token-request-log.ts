import { Logger } from '@nestjs/common';
import { inspect } from 'node:util';
import type { GrantSource } from '../grants/grant-cache';
import type { TokenMetrics } from '../metrics/token-metrics';
import { tokenContext, tokenContextOf } from './token-context';

/**
 * The one structured line logged per token request. Its fields are fixed and
 * typed (names, codes, numbers): there is no field a token, handle, secret,
 * header or URL could travel in, so the line is redacted by construction.
 */
export interface TokenRequestLogLine {
  event: 'token_request';
  method: string;
  route?: string;
  provider?: string;
  status: number;
  /** `issued`, `refreshed`, or the problem's `error` code. */
  outcome: string;
  cache?: GrantSource;
  upstreamMs?: number;
  ms: number;
}

const logger = new Logger('TokenRequest');

/**
 * The line is logged as an object, so a JSON logger (Nest's `json: true`,
 * pino) prints its fields as fields. Text loggers inspect it: there it reads
 * as one line of JSON, as before, instead of Nest's multi-line object dump.
 */
class LoggedLine {
  [inspect.custom](): string {
    return JSON.stringify(this);
  }
}

/** Where a finished request goes: the log (when `logRequests` is on) and the metrics. */
export interface TokenRequestSinks {
  readonly log: boolean;
  readonly metrics?: TokenMetrics;
}

/**
 * What the guards, route and filter learn about one request. It is logged and
 * counted, once, where the request ends: the route on success, the problem
 * filter on any error (no per-request `finish` listener: the status is known there).
 */
export class TokenRequestLog {
  route?: string;
  provider?: string;
  outcome?: string;
  cache?: GrantSource;
  upstreamMs?: number;
  private readonly started = performance.now();
  private done = false;

  constructor(
    private readonly method: string,
    private readonly sinks: TokenRequestSinks = { log: true },
  ) {}

  /** Starts the record of `request` (once). */
  static start(request: object, method: string, sinks?: TokenRequestSinks): TokenRequestLog {
    const context = tokenContext(request);
    return (context.log ??= new TokenRequestLog(method, sinks));
  }

  /** The record of `request`, when request logging or metrics are on. */
  static of(request: object): TokenRequestLog | undefined {
    return tokenContextOf(request)?.log;
  }

  /** Counts the request and logs the line with the answer's `status`; a second call does nothing. */
  finish(status: number, outcome?: string): void {
    if (this.done) return;
    this.done = true;
    if (outcome !== undefined) this.outcome = outcome;
    this.sinks.metrics?.request(this.provider, status, this.cache);
    if (this.sinks.log) logger.log(this.line(status));
  }

  /** The line as logged. */
  line(status: number): TokenRequestLogLine {
    return Object.assign(new LoggedLine(), {
      event: 'token_request',
      method: this.method,
      route: this.route,
      provider: this.provider,
      status,
      outcome: this.outcome ?? (status < 400 ? 'issued' : 'error'),
      cache: this.cache,
      upstreamMs: this.upstreamMs,
      ms: Math.round((performance.now() - this.started) * 10) / 10,
    } satisfies TokenRequestLogLine);
  }
}
