import type { TokenModuleOptions } from 'nestjs-token-broker';
import { FakeClock } from 'nestjs-token-broker/testing';
import { bearer, bootApp, startUpstreams, type RunningApp, type Upstreams } from './harness';
import { Client } from './http';
import { live } from './lifecycle';

/** Both simulators, the example app on a FakeClock, and a recording client. */
export interface Rig {
  upstreams: Upstreams;
  running: RunningApp;
  clock: FakeClock;
  client: Client;
  /** `{ authorization: 'Bearer …' }` for user `sub`. */
  auth(sub: string): Record<string, string>;
  close(): Promise<void>;
}

/** Starts simulators and the app (`env` on top of the harness env, `overrides` on top of `{ clock }`). */
export async function startRig(env: Record<string, string> = {}, overrides: Partial<TokenModuleOptions> = {}): Promise<Rig> {
  const upstreams = await startUpstreams();
  const clock = new FakeClock();
  const running = await bootApp({ ...upstreams.env, ...env }, { clock, ...overrides });
  return {
    upstreams,
    running,
    clock,
    client: new Client(running.url),
    auth: (sub) => ({ authorization: bearer(upstreams.secrets.jwtSecret, sub) }),
    close: async () => {
      await running.close();
      await upstreams.close();
    },
  };
}

/** The example app's two routes. */
export const MISO = '/api/client-token';
export const SENTIFYD = '/request_tokens';


/** Starts a rig before all (or each) test of the enclosing block and closes it after; see `live`. */
export function useRig(when: 'all' | 'each' = 'all', env: Record<string, string> = {}, overrides: Partial<TokenModuleOptions> = {}): Rig {
  return live(() => startRig(env, overrides), { when });
}
