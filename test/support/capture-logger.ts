import type { LoggerService } from '@nestjs/common';
import { inspect } from 'node:util';

/**
 * A Nest logger that keeps every line (message and context, as a string),
 * so tests can scan all log output for secrets. Pass `echo` to also print.
 */
export class CaptureLogger implements LoggerService {
  readonly lines: string[] = [];

  constructor(private readonly echo = false) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.keep('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.keep('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.keep('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.keep('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.keep('verbose', message, rest);
  }

  /** The `token_request` lines, parsed. */
  requestLines(): Array<Record<string, unknown>> {
    return this.lines
      .filter((line) => line.includes('"event":"token_request"'))
      .map((line) => JSON.parse(line.slice(line.indexOf('{'), line.lastIndexOf('}') + 1)));
  }

  private keep(level: string, message: unknown, rest: unknown[]): void {
    const text = [message, ...rest].map((part) => (typeof part === 'string' ? part : inspect(part, { depth: 5 }))).join(' ');
    const line = `${level} ${text}`;
    this.lines.push(line);
    if (this.echo) process.stdout.write(`${line}\n`);
  }
}
