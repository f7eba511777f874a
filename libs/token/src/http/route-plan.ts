import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { TokenAccessLevel } from '../token-module-options';
import { originMatcher } from './origin-matcher';
import { TokenCors } from './token-cors';
import { AllowedOrigins, TokenAccess, TokenRoute } from './token-route.decorator';

/** What the decorators say of one route, read once and kept. */
export interface RoutePlan {
  /** The route's identity in rate-limit keys (its controller's name). */
  readonly id: string;
  /** The route's own rate budget per caller and minute, when it has one. */
  readonly perMinute?: number;
  readonly provider?: string;
  readonly access?: TokenAccessLevel;
  /** The route's own origin list; undefined defers to the provider's. */
  readonly allowedOrigins?: readonly string[];
  readonly cors?: TokenCors;
  /** The mounted paths; the first is the route's name where the request path tells none. */
  readonly paths: readonly string[];
}

/**
 * The mounted path `url` came to (configs point back to it, the log line
 * names it): the one of `plan.paths` it ends with (a global prefix may come
 * first; case and a trailing slash ignored), else the first.
 */
export function pathOf(plan: RoutePlan, url: string): string | undefined {
  const paths = plan.paths;
  if (paths.length < 2) return paths[0];
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (paths.includes(path)) return path;
  const wanted = path.replace(/\/+$/, '').toLowerCase();
  return paths.find((mounted) => wanted.endsWith(mounted.replace(/\/+$/, '').toLowerCase())) ?? paths[0];
}

const plans = new WeakMap<object, WeakMap<object, RoutePlan>>();

/**
 * The plan of the route `context` is in. Route metadata is fixed once the app
 * runs, and reading it walks prototype chains through reflect-metadata, so it
 * is read on a route's first request only.
 */
export function routePlan(reflector: Reflector, context: ExecutionContext): RoutePlan {
  const type = context.getClass();
  const handler = context.getHandler();
  let byHandler = plans.get(type);
  if (!byHandler) plans.set(type, (byHandler = new WeakMap()));
  let plan = byHandler.get(handler);
  if (!plan) byHandler.set(handler, (plan = readPlan(reflector, [handler, type])));
  return plan;
}

function readPlan(reflector: Reflector, targets: [Function, Function]): RoutePlan {
  const route = reflector.getAllAndOverride(TokenRoute, targets);
  const paths = route?.path === undefined ? [] : [route.path].flat();
  return Object.freeze({
    id: targets[1].name,
    perMinute: route?.perMinute,
    provider: route?.provider,
    access: reflector.getAllAndOverride(TokenAccess, targets),
    allowedOrigins: reflector.getAllAndOverride(AllowedOrigins, targets),
    cors: route?.cors?.length ? new TokenCors(originMatcher(route.cors)) : undefined,
    paths,
  });
}
