import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A string that cannot leak by accident: it prints, logs, inspects and
 * serialises as `[redacted]`. The value is read only through {@link Secret.reveal},
 * at the one place it is sent upstream.
 *
 * @example
 * const key = new Secret(process.env.AVATAR_API_KEY!);
 * logger.log({ key });        // { key: '[redacted]' }
 * http.post(url, { avatar_api_key: key.reveal() });
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** Wraps a value unless it is already a Secret. */
  static of(value: string | Secret): Secret {
    return value instanceof Secret ? value : new Secret(value);
  }

  /** The plain value: call it only where the value leaves for its upstream. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
