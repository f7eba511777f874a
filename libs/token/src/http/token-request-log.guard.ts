import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { TOKEN_MODULE_OPTIONS } from '../token.constants';
import type { TokenModuleOptions } from '../token-module-options';
import { TokenRequestLog } from './token-request-log';

/**
 * Starts the log record of each request to a mounted token route. A guard
 * rather than a middleware: first among the route's guards, it costs one call,
 * where Nest's middleware added an Express route layer per path and method,
 * each matched on every request.
 */
@Injectable()
export class TokenRequestLogGuard implements CanActivate {
  private readonly enabled: boolean;

  constructor(@Inject(TOKEN_MODULE_OPTIONS) options: TokenModuleOptions) {
    this.enabled = options.logRequests !== false;
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.enabled) {
      const request = context.switchToHttp().getRequest<{ method: string }>();
      TokenRequestLog.start(request, request.method);
    }
    return true;
  }
}
