/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A finite number. */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** The first of `names` that holds a non-empty string in `source`. */
export function pickString(source: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = source[name];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

/** The first of `names` that holds a positive finite number (or numeric string) in `source`. */
export function pickSeconds(source: Record<string, unknown>, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = source[name];
    const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) return seconds;
  }
  return undefined;
}

/** The `data` member when the reply is wrapped in one, else the reply itself. */
export function unwrapData(body: Record<string, unknown>): Record<string, unknown> {
  return isRecord(body.data) ? body.data : body;
}
