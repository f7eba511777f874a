import { closeAll, startUpstreams, type RunningApp, type Upstreams } from './harness';
import { live } from './lifecycle';

/** Both simulators, the apps booted against them, and what else the block started first (a Redis topology, say). */
export interface Stack<E> {
  upstreams: Upstreams;
  apps: RunningApp[];
  /** The first app. */
  app: RunningApp;
  extra: E;
  close(): Promise<void>;
}

/**
 * Starts `extra` (a private Redis, a cluster…), the simulators and the apps
 * `boot` makes, before all tests of the block; after all, closes the apps,
 * then the simulators, then runs `after` (kill the Redis servers) even when a
 * close threw. Read it through the returned object (`stack.app.url`).
 */
export function useStack<E = undefined>(setup: {
  extra?: () => Promise<E>;
  boot(upstreams: Upstreams, extra: E): Promise<RunningApp | RunningApp[]>;
  after?: (extra: E | undefined) => unknown;
  timeout?: number;
}): Stack<E> {
  return live<Stack<E>>(
    async () => {
      let extra: E | undefined;
      let upstreams: Upstreams | undefined;
      let apps: RunningApp[] = [];
      try {
        extra = await setup.extra?.();
        upstreams = await startUpstreams();
        apps = ([] as RunningApp[]).concat(await setup.boot(upstreams, extra as E));
      } catch (error) {
        await closeAll([...apps, upstreams], () => setup.after?.(extra));
        throw error;
      }
      return { upstreams, apps, app: apps[0], extra: extra as E, close: () => closeAll([...apps, upstreams], () => setup.after?.(extra)) };
    },
    { timeout: setup.timeout },
  );
}
