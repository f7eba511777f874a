import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { describeError } from './describe-error';
import { asProblem } from './as-problem';
import { problemTitle, TokenProblem } from './token-problem';
import { sendProblem } from '../http/http-exchange';
import { TokenRequestLog } from '../http/token-request-log';

/**
 * Answers every error of a token route as `application/problem+json` with
 * `Cache-Control: no-store`, on Express and Fastify alike. Only the library's own wording reaches the body;
 * an unexpected error is a 500 whose log line names its class, not its message.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('TokenModule');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<unknown>();
    const problem = this.toProblem(exception);
    TokenRequestLog.of(http.getRequest())?.finish(problem.getStatus(), problem.code);
    sendProblem(response, problem);
  }

  /** Maps any error to a problem; override to map errors of your own. */
  protected toProblem(exception: unknown): TokenProblem {
    const mapped = asProblem(exception);
    if (mapped instanceof TokenProblem) return mapped;
    if (mapped instanceof ThrottlerException) return new TokenProblem(429, 'rate_limited', 'Too many token requests.');
    if (mapped instanceof HttpException) {
      const status = mapped.getStatus();
      return new TokenProblem(status, problemTitle(status).toLowerCase().replace(/ /g, '_'), `${problemTitle(status)}.`);
    }
    this.logger.error(`unexpected error in a token route: ${describeError(exception)}`);
    return new TokenProblem(500, 'internal_error', 'The token service failed unexpectedly.');
  }
}
