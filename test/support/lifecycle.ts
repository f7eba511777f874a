/**
 * Starts a thing before all (or each) test of the enclosing block and closes
 * it after. The returned object stands for the thing of the moment (methods
 * bound to it), so specs write `rig.client.get(…)` or `browser.newContext()`
 * as if they had started it themselves, without a `let` and two hooks.
 */
export function live<T extends object>(
  start: () => Promise<T>,
  options: { when?: 'all' | 'each'; stop?: (thing: T) => unknown; timeout?: number } = {},
): T {
  let current: T | undefined;
  const stop = options.stop ?? ((thing: T) => (thing as { close?: () => unknown }).close?.());
  const before = options.when === 'each' ? beforeEach : beforeAll;
  const after = options.when === 'each' ? afterEach : afterAll;
  before(async () => {
    current = await start();
  }, options.timeout);
  after(async () => {
    if (current) await stop(current);
    current = undefined;
  });
  return new Proxy({} as T, {
    get: (_target, name) => {
      if (!current) throw new Error('started in a before hook: use it inside a test or a later hook');
      const value = Reflect.get(current, name);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
