/**
 * The value of the cookie `name` in a `Cookie` header, or undefined. The
 * first one wins when a name repeats (browsers send the most specific path
 * first). Values are taken as they are: a JWT needs no decoding.
 */
export function cookieValue(header: string | string[] | undefined, name: string): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    const unquoted = value.length > 1 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
    return unquoted.length > 0 ? unquoted : undefined;
  }
  return undefined;
}
