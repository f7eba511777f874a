import { HttpException } from '@nestjs/common';

/** The body of an RFC 9457 problem, plus `error` for clients written against Sentifyd's `{ error }`. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** A short machine-readable code, e.g. `invalid_request`. */
  error: string;
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The title RFC 9457 suggests for a status. */
export function problemTitle(status: number): string {
  return TITLES[status] ?? 'Error';
}

/**
 * An HTTP error that token routes answer as `application/problem+json`.
 * `detail` is written by this library only: never an upstream body, never a value the caller sent.
 *
 * @example
 * throw new TokenProblem(400, 'invalid_request', 'avatar_id is not in the allow-list');
 */
export class TokenProblem extends HttpException {
  constructor(
    status: number,
    /** Short machine-readable code, sent as the `error` member. */
    readonly code: string,
    detail: string,
    /** Extra headers to send with the problem, e.g. `Retry-After`. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail, status);
    this.name = 'TokenProblem';
  }

  /** The problem+json body of this error. */
  toBody(): ProblemBody {
    const status = this.getStatus();
    return { type: 'about:blank', title: problemTitle(status), status, detail: this.message, error: this.code };
  }
}

/**
 * The one 401 of the library: a route that needs a signed-in user (the
 * guard's `access` step) and a provider whose tokens are per user (the
 * service) answer it alike, with `WWW-Authenticate: Bearer`.
 */
export function unauthorized(): TokenProblem {
  return new TokenProblem(401, 'unauthorized', 'Sign in to request this token.', { 'WWW-Authenticate': 'Bearer' });
}

/** The one 403 for a foreign origin: the guard and the hooks that run before it (a body is read first) answer it alike. */
export function originNotAllowed(): TokenProblem {
  return new TokenProblem(403, 'origin_not_allowed', 'This origin may not request tokens here.');
}
