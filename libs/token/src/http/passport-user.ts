import type { TokenUser } from '../providers/token-provider';

/**
 * The default `resolveUser`, Passport's convention: the app's authentication
 * puts the user on `req.user`; its id is `id`, else `sub`.
 */
export function passportUser(request: unknown): TokenUser | undefined {
  const user = (request as { user?: { id?: unknown; sub?: unknown } }).user;
  const id = user?.id ?? user?.sub;
  return typeof id === 'string' || typeof id === 'number' ? { id: String(id) } : undefined;
}
