import type { RedisClientLike } from './redis-scripts';

/** Client states in which a command would only wait in ioredis' offline queue for a reconnect. */
export const DISCONNECTED = new Set(['reconnecting', 'close', 'end']);

/** Quits `redis` and resolves once it has ended (or after 2 s); a client already down is just told to stop reconnecting. */
export async function quitClient(redis: RedisClientLike): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    // Nothing to say goodbye to (down, or still trying to connect): stop reconnecting; no 'end' to wait for.
    redis.disconnect();
    return;
  }
  const ended = new Promise<void>((resolve) => {
    redis.once('end', () => resolve());
    setTimeout(resolve, 2_000).unref();
  });
  await redis.quit().catch(() => redis.disconnect());
  if ((redis.status as string) !== 'end') await ended; // quit() resolves before the socket has closed
  // quit() leaves a Sentinel client's failover listeners (its own connections to the Sentinels) open; this closes them.
  redis.disconnect();
}

/** A TTL Redis takes: whole milliseconds, at least 1; anything but a finite number is a bug of the caller. */
export function ttl(ms: number): number {
  if (!Number.isFinite(ms)) throw new RangeError('RedisTokenStore: a TTL must be a finite number of milliseconds');
  return Math.max(1, Math.ceil(ms));
}

/** An operation Redis did not answer within the store's own bound. */
export class RedisTimeoutError extends Error {
  constructor() {
    super('Redis did not answer in time');
    this.name = 'RedisTimeoutError';
  }
}

/** No answer in time: ours, or ioredis' `commandTimeout`. */
export function isTimeout(error: unknown): boolean {
  return error instanceof RedisTimeoutError || (error instanceof Error && error.message === 'Command timed out');
}
