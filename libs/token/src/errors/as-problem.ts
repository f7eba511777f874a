import { StoreUnavailableError } from './store-unavailable.error';
import { UpstreamError } from './upstream-error';
import { TokenProblem } from './token-problem';

/**
 * Turns the library's own failures into the `TokenProblem` the browser gets;
 * anything else is passed through unchanged (and ends as a 500: a bug).
 */
export function asProblem(error: unknown): unknown {
  if (error instanceof UpstreamError || error instanceof StoreUnavailableError) return error.toProblem();
  return error;
}
