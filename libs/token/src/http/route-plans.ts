import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { RoutePlan } from './route-plan';
import { AllowedOrigins, TokenAccess, TokenRoute } from './token-route.decorator';

/**
 * The plans of the routes one guard serves, per app: the module's mounted
 * routes as made at start-up (found by their controller class), and an app's
 * own decorated handlers, read from their metadata on their first request and
 * kept (reading walks prototype chains through reflect-metadata). Kept per
 * guard, not per process: a plan holds its app's provider once bound.
 */
export class RoutePlans {
  private readonly mounted: ReadonlyMap<Function, RoutePlan>;
  private readonly decorated = new WeakMap<Function, WeakMap<Function, RoutePlan>>();

  constructor(
    private readonly reflector: Reflector,
    mounted: readonly RoutePlan[] = [],
  ) {
    this.mounted = new Map(mounted.flatMap((plan) => (plan.controller ? [[plan.controller, plan] as const] : [])));
  }

  /** The plan of the route `context` is in. */
  of(context: ExecutionContext): RoutePlan {
    const type = context.getClass();
    const mounted = this.mounted.get(type);
    if (mounted) return mounted;
    const handler = context.getHandler();
    let byHandler = this.decorated.get(type);
    if (!byHandler) this.decorated.set(type, (byHandler = new WeakMap()));
    let plan = byHandler.get(handler);
    if (!plan) byHandler.set(handler, (plan = this.read([handler, type])));
    return plan;
  }

  private read(targets: [Function, Function]): RoutePlan {
    const route = this.reflector.getAllAndOverride(TokenRoute, targets);
    return new RoutePlan({
      ...route,
      id: targets[1].name,
      access: this.reflector.getAllAndOverride(TokenAccess, targets),
      allowedOrigins: this.reflector.getAllAndOverride(AllowedOrigins, targets),
    });
  }
}
