import { HttpException } from '@nestjs/common';
import { UpstreamError } from './upstream-error';

/**
 * A log-safe word for an error: our own errors say what failed; anything else
 * is named by its class only, because a foreign message (an axios error, say)
 * may quote headers or bodies.
 */
export function describeError(error: unknown): string {
  if (error instanceof UpstreamError) return error.message;
  if (error instanceof HttpException) return `${error.name} ${error.getStatus()}`;
  if (error instanceof Error) return error.name;
  return typeof error;
}
