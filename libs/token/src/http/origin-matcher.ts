/**
 * Compiles an origin allow-list into a test. Comparison ignores case and a
 * trailing slash; `http://host:*` matches that host on any port (or none), as
 * the Miso SDK does. An empty list matches nothing.
 *
 * @example
 * const allowed = originMatcher(['https://app.example', 'http://localhost:*']);
 * allowed('HTTP://localhost:5173/') // true
 */
export function originMatcher(list: readonly string[]): (origin: string) => boolean {
  const exact = new Set<string>();
  const anyPort: string[] = [];
  for (const entry of list) {
    const origin = normalise(entry);
    if (origin.endsWith(':*')) anyPort.push(origin.slice(0, -2));
    else exact.add(origin);
  }
  return (candidate) => {
    const origin = normalise(candidate);
    if (exact.has(origin)) return true;
    const withoutPort = origin.replace(/:\d+$/, '');
    return anyPort.includes(withoutPort);
  };
}

/**
 * The origin a browser request comes from: `Origin`, else the origin of
 * `Referer`. An `Origin: null` (sandboxed frame, file:) is kept as `null`: it
 * matches no allow-list, and a Referer must not stand in for it.
 */
export function requestOrigin(headers: Record<string, string | string[] | undefined>): string | undefined {
  const origin = headers.origin;
  if (typeof origin === 'string') return origin;
  const referer = headers.referer;
  if (typeof referer !== 'string') return undefined;
  try {
    const origin = new URL(referer).origin;
    // Opaque referers (about:blank, file:) have the origin "null": that is no origin.
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

function normalise(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}
