import type { TokenProvider } from '../providers/token-provider';
import type { TokenAccessLevel, TokenRouteOptions } from '../token-module-options';
import type { HttpRequestLike } from './http-exchange';
import { originMatcher, requestOrigin } from './origin-matcher';
import { TokenCors } from './token-cors';

/** What a route says of itself: the module's route options, or an app route's decorators. */
export interface RoutePlanInit {
  /** The route's identity in rate-limit keys (its controller's name). */
  readonly id: string;
  readonly provider?: string;
  readonly path?: string | readonly string[];
  readonly access?: TokenAccessLevel;
  readonly allowedOrigins?: readonly string[];
  readonly cors?: readonly string[];
  readonly perMinute?: number;
}

/**
 * A request path as both platforms route it: no query, no slash at either
 * end, lower case. The one path normaliser of the token routes.
 */
export function normalPath(url: string): string {
  const query = url.indexOf('?');
  return `/${(query < 0 ? url : url.slice(0, query)).replace(/^\/+|\/+$/g, '').toLowerCase()}`;
}

/**
 * One token route, built once: for a mounted route at start-up (one per app:
 * the registry binds its provider as the app starts), for an app's own
 * `@TokenRoute` handler on its first request (see `RoutePlans`). The
 * controller, the guard and the platform hooks share it: the provider,
 * paths, path matcher, rate budget, origin list and CORS of the route live
 * here and nowhere else.
 */
export class RoutePlan {
  readonly id: string;
  /** The provider's name, as configured: the log line and the 404 name it. */
  readonly providerName?: string;
  readonly access?: TokenAccessLevel;
  /** The route's own rate budget per caller and minute, when it has one. */
  readonly perMinute?: number;
  /** The route's own origin list; undefined defers to the provider's. */
  readonly allowedOrigins?: readonly string[];
  readonly cors?: TokenCors;
  /** The mounted paths; the first is the route's name where the request path tells none. */
  readonly paths: readonly string[];
  /** The mounted controller class, for a route of the module. */
  readonly controller?: Function;
  private readonly normalPaths: readonly string[];
  private bound?: TokenProvider;
  private origins?: { list: readonly string[]; allows: (origin: string) => boolean };

  constructor(init: RoutePlanInit, controller?: Function) {
    this.id = init.id;
    this.providerName = init.provider;
    this.access = init.access;
    this.perMinute = init.perMinute;
    this.allowedOrigins = init.allowedOrigins;
    this.cors = init.cors?.length ? new TokenCors(originMatcher(init.cors)) : undefined;
    this.paths = init.path === undefined ? [] : [init.path].flat();
    this.normalPaths = this.paths.map(normalPath);
    this.controller = controller;
  }

  /** The plan of a route the module mounts, served by `controller`. */
  static mounted(route: TokenRouteOptions, controller: Function): RoutePlan {
    const { provider, path, access, allowedOrigins, cors } = route;
    return new RoutePlan({ id: controller.name, provider, path, access, allowedOrigins, cors, perMinute: route.rateLimit?.perMinute }, controller);
  }

  /** The provider the route serves, once bound (undefined for a route that names none). */
  get provider(): TokenProvider | undefined {
    return this.bound;
  }

  /** Binds the route to its provider, found once by its name. */
  bind(provider: TokenProvider): TokenProvider {
    return (this.bound = provider);
  }

  /**
   * Whether the request's origin (`Origin`, else `Referer`'s) may call the
   * route: the route's list, else its provider's; no list lets any origin in.
   */
  allowsOrigin(request: HttpRequestLike, provider: TokenProvider | undefined = this.bound): boolean {
    const list = this.allowedOrigins ?? provider?.allowedOrigins;
    if (!list?.length) return true;
    // The matcher is made once per list (a provider's is known only once bound).
    if (this.origins?.list !== list) this.origins = { list, allows: originMatcher(list) };
    const origin = requestOrigin(request.headers);
    return origin !== undefined && this.origins.allows(origin);
  }

  /**
   * The mounted path `url` came to (configs point back to it, the log line
   * names it): the one it ends with (a global prefix may come first; case and
   * a trailing slash ignored), else the first.
   */
  pathOf(url: string): string | undefined {
    const paths = this.paths;
    if (paths.length < 2) return paths[0];
    // Nearly every request names a mounted path as written: found without normalising (the log line asks on every request).
    const query = url.indexOf('?');
    const asWritten = paths.indexOf(query < 0 ? url : url.slice(0, query));
    if (asWritten >= 0) return paths[asWritten];
    return this.at(normalPath(url)) ?? paths[0];
  }

  /** The mounted path at the normalised request path `wanted`: equal to it, or after a global prefix. */
  at(wanted: string): string | undefined {
    const exact = this.normalPaths.indexOf(wanted);
    if (exact >= 0) return this.paths[exact];
    const suffix = this.normalPaths.findIndex((mounted) => wanted.endsWith(mounted));
    return suffix < 0 ? undefined : this.paths[suffix];
  }
}

/** Finds the route mounted at a request path (see {@link RoutePlan.at}), for hooks that run before routing. */
export function routeFinder(plans: readonly RoutePlan[]): (url: string) => RoutePlan | undefined {
  const exact = new Map(plans.flatMap((plan) => plan.paths.map((path) => [normalPath(path), plan] as const)).reverse());
  return (url) => {
    const wanted = normalPath(url);
    return exact.get(wanted) ?? plans.find((plan) => plan.at(wanted) !== undefined);
  };
}
