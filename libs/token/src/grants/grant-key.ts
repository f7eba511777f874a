import type { TokenProvider, TokenRequest } from '../providers/token-provider';

/**
 * The cache and merge key of a request: everything that makes two grants
 * differ, never less (provider; user when grants are per user; audience when
 * the provider takes one). Merging on less once leaked one user's token to
 * another (nextjs-auth0 #2382).
 */
export function grantKey(provider: TokenProvider, request: TokenRequest): string {
  const audience = request.audience === undefined ? '' : `|a:${encodeURIComponent(request.audience)}`;
  if (provider.scope === 'user') return `${provider.name}|u:${encodeURIComponent(request.user!.id)}${audience}`;
  if (provider.scope === 'audience' || audience) return `${provider.name}${audience}`;
  return provider.name;
}
