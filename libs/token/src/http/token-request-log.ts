import { Logger } from '@nestjs/common';
import type { GrantSource } from '../grants/grant-cache';

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

const LOG = Symbol('tokenRequestLog');
const logger = new Logger('TokenRequest');

/**
 * What the guards, route and filter learn about one request. It is logged,
 * once, where the request ends: the route on success, the problem filter on
 * any error (no per-request `finish` listener: the status is known there).
 */
export class TokenRequestLog {
  route?: string;
  provider?: string;
  outcome?: string;
  cache?: GrantSource;
  upstreamMs?: number;
  private readonly started = performance.now();
  private done = false;

  constructor(private readonly method: string) {}

  /** Starts the record of `request` (once). */
  static start(request: object, method: string): TokenRequestLog {
    const existing = TokenRequestLog.of(request);
    if (existing) return existing;
    const log = new TokenRequestLog(method);
    (request as Record<symbol, TokenRequestLog>)[LOG] = log;
    return log;
  }

  /** The record of `request`, when request logging is on. */
  static of(request: object): TokenRequestLog | undefined {
    return (request as Record<symbol, TokenRequestLog | undefined>)[LOG];
  }

  /** Logs the line with the answer's `status`; a second call does nothing. */
  finish(status: number, outcome?: string): void {
    if (this.done) return;
    this.done = true;
    if (outcome !== undefined) this.outcome = outcome;
    logger.log(JSON.stringify(this.line(status)));
  }

  /** The line as logged. */
  line(status: number): TokenRequestLogLine {
    return {
      event: 'token_request',
      method: this.method,
      route: this.route,
      provider: this.provider,
      status,
      outcome: this.outcome ?? (status < 400 ? 'issued' : 'error'),
      cache: this.cache,
      upstreamMs: this.upstreamMs,
      ms: Math.round((performance.now() - this.started) * 10) / 10,
    };
  }
}
