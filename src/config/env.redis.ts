import { RedisTokenStore, parseEndpoints, type RedisConnection } from 'nestjs-token-broker/redis';
import { accessSync, constants, readFileSync } from 'node:fs';
import { z } from 'zod';

// Empty values in a .env file mean "unset", as for every other variable.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const endpoints = z.string().refine((v) => {
  try {
    return parseEndpoints(v).length > 0;
  } catch {
    return false;
  }
}, 'must be host:port entries separated by commas');

/** The Redis variables of the example app (contract: environment table). */
export const redisEnvSchema = {
  REDIS_URL: optional(z.string().refine((v) => URL.canParse(v) && /^rediss?:$/.test(new URL(v).protocol), 'must be a redis:// or rediss:// URL')),
  REDIS_TLS_CA: optional(z.string()),
  REDIS_SENTINELS: optional(endpoints),
  REDIS_SENTINEL_NAME: optional(z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be the name of the monitored primary (letters, digits, . _ -)')),
  REDIS_CLUSTER_NODES: optional(endpoints),
  REDIS_PASSWORD: optional(z.string()),
};

/** The Redis part of the checked environment. */
export type RedisEnv = { [K in keyof typeof redisEnvSchema]?: string };

/**
 * Exactly one Redis variant, or none: a URL (with an optional CA for
 * `rediss://`), Sentinels with the primary's name, or Cluster seed nodes.
 * Answers the variable to name and what is wrong, or undefined when fine.
 */
export function redisEnvProblem(env: RedisEnv): [variable: string, problem: string] | undefined {
  const variants = [
    env.REDIS_URL !== undefined && 'REDIS_URL',
    (env.REDIS_SENTINELS !== undefined || env.REDIS_SENTINEL_NAME !== undefined) && 'REDIS_SENTINELS',
    env.REDIS_CLUSTER_NODES !== undefined && 'REDIS_CLUSTER_NODES',
  ].filter((name): name is string => name !== false);
  if (variants.length > 1) return [variants[1], `cannot be combined with ${variants[0]}: set one Redis variant`];
  if (env.REDIS_SENTINELS !== undefined && env.REDIS_SENTINEL_NAME === undefined) return ['REDIS_SENTINEL_NAME', 'is required when REDIS_SENTINELS is set'];
  if (env.REDIS_SENTINEL_NAME !== undefined && env.REDIS_SENTINELS === undefined) return ['REDIS_SENTINELS', 'is required when REDIS_SENTINEL_NAME is set'];
  if (env.REDIS_PASSWORD !== undefined && variants[0] !== 'REDIS_SENTINELS' && variants[0] !== 'REDIS_CLUSTER_NODES') {
    return ['REDIS_PASSWORD', 'is for REDIS_SENTINELS or REDIS_CLUSTER_NODES (a REDIS_URL carries its own)'];
  }
  if (env.REDIS_TLS_CA !== undefined) {
    if (!env.REDIS_URL?.startsWith('rediss://')) return ['REDIS_TLS_CA', 'needs a rediss:// REDIS_URL'];
    if (!readable(env.REDIS_TLS_CA)) return ['REDIS_TLS_CA', 'names no readable file'];
  }
  return undefined;
}

/** Where the environment says Redis is, or undefined (the in-memory store). */
export function redisConnection(env: RedisEnv): RedisConnection | undefined {
  if (env.REDIS_URL) return { url: env.REDIS_URL, tlsCa: env.REDIS_TLS_CA ? readFileSync(env.REDIS_TLS_CA) : undefined };
  if (env.REDIS_SENTINELS) return { sentinels: parseEndpoints(env.REDIS_SENTINELS), name: env.REDIS_SENTINEL_NAME!, password: env.REDIS_PASSWORD };
  if (env.REDIS_CLUSTER_NODES) return { clusterNodes: parseEndpoints(env.REDIS_CLUSTER_NODES), password: env.REDIS_PASSWORD };
  return undefined;
}

/** The store the environment asks for: Redis in one of its variants, else undefined (the embedded in-memory store). */
export function redisStoreFromEnv(env: RedisEnv): RedisTokenStore | undefined {
  const connection = redisConnection(env);
  return connection && RedisTokenStore.connect(connection);
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
