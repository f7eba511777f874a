import type { Response } from 'express';
import { NO_STORE_HEADERS } from './no-store';
import type { TokenProblem } from './token-problem';

/** Writes `problem` as `application/problem+json`, never cacheable. The one writer of error bodies. */
export function sendProblem(response: Response, problem: TokenProblem): void {
  response
    .status(problem.getStatus())
    .set({ ...problem.headers, ...NO_STORE_HEADERS, 'Content-Type': 'application/problem+json' })
    .send(JSON.stringify(problem.toBody()));
}
