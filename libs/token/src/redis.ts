/**
 * `nestjs-token-broker/redis`: the Redis store, for several instances that
 * share grants, refresh handles, locks and rate counters. Its own entry so
 * that the main entry never loads ioredis (an optional peer dependency).
 *
 * @example
 * import { RedisTokenStore } from 'nestjs-token-broker/redis';
 * TokenModule.forRoot({ store: RedisTokenStore.fromUrl(process.env.REDIS_URL!), storeKey: process.env.STORE_KEY });
 */
export { RedisTokenStore, type RedisTokenStoreOptions } from './store/redis.store';
export { connectRedis, parseEndpoints, type RedisConnection, type RedisEndpoint } from './store/redis-connect';
export type { RedisClientLike } from './store/redis-scripts';
