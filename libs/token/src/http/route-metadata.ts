import type { ExecutionContext } from '@nestjs/common';
import type { ReflectableDecorator, Reflector } from '@nestjs/core';

const memo = new WeakMap<object, WeakMap<object, Map<unknown, unknown>>>();

/**
 * `reflector.getAllAndOverride(decorator, [handler, class])`, looked up once per
 * route and remembered: route metadata is fixed once the app runs, and the
 * lookup walks prototype chains through reflect-metadata on every request
 * otherwise (the guards and the route ask on each token request).
 */
export function routeMetadata<T>(reflector: Reflector, decorator: ReflectableDecorator<T>, context: ExecutionContext): T | undefined {
  const type = context.getClass();
  const handler = context.getHandler();
  let byHandler = memo.get(type);
  if (!byHandler) memo.set(type, (byHandler = new WeakMap()));
  let values = byHandler.get(handler);
  if (!values) byHandler.set(handler, (values = new Map()));
  if (values.has(decorator)) return values.get(decorator) as T | undefined;
  const value = reflector.getAllAndOverride(decorator, [handler, type]);
  values.set(decorator, value);
  return value;
}
