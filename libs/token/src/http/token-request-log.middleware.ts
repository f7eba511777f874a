import { Injectable, NestMiddleware } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TokenRequestLog } from './token-request-log';

/** Starts the log record of each request to a mounted token route. */
@Injectable()
export class TokenRequestLogMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: () => void): void {
    TokenRequestLog.start(request, response, request.method);
    next();
  }
}
