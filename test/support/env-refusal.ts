import { EnvError, parseEnv } from '../../src/config/env.schema';

/** Fails unless `raw` is refused at start-up naming `variable`, and the message quotes no value (none marked `distinctive`). */
export function expectEnvRefused(raw: Record<string, string | undefined>, variable: string): void {
  let error: unknown;
  try {
    parseEnv(raw);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(EnvError);
  expect((error as EnvError).variable).toBe(variable);
  expect((error as EnvError).message).not.toContain('distinctive');
}
