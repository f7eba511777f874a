import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisClientLike } from './redis-scripts';

/** One Redis node (a Sentinel, or a Cluster seed). */
export interface RedisEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * Where the store's Redis is, as operators run it: exactly one of a URL
 * (standalone, `rediss://` for TLS), Sentinels with the monitored primary's
 * name, or Cluster seed nodes.
 */
export type RedisConnection =
  | { readonly url: string; readonly tlsCa?: string | Buffer }
  | { readonly sentinels: readonly RedisEndpoint[]; readonly name: string; readonly password?: string }
  | { readonly clusterNodes: readonly RedisEndpoint[]; readonly password?: string };

// Fail fast while Redis is away (the store turns failures into 503s) and reconnect by ourselves, forever.
const NODE_DEFAULTS: RedisOptions = {
  connectTimeout: 2_000,
  commandTimeout: 1_500,
  maxRetriesPerRequest: 1,
  retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
};

/**
 * A client for `connection` with the store's defaults (`overrides` win).
 * Certificates are always verified: `tlsCa` adds a private CA, nothing turns
 * verification off. A Sentinel client follows a failover by itself (it asks
 * the Sentinels again on every reconnect and listens for `+switch-master`).
 */
export function connectRedis(connection: RedisConnection, overrides: RedisOptions = {}): RedisClientLike {
  if ('url' in connection) {
    const tls = connection.url.startsWith('rediss://');
    if (connection.tlsCa !== undefined && !tls) throw new Error('RedisTokenStore: a TLS CA needs a rediss:// URL');
    return new Redis(connection.url, {
      ...NODE_DEFAULTS,
      ...(tls ? { tls: { ca: connection.tlsCa, rejectUnauthorized: true } } : {}),
      ...overrides,
    });
  }
  if ('sentinels' in connection) {
    return new Redis({
      ...NODE_DEFAULTS,
      sentinels: connection.sentinels.map(({ host, port }) => ({ host, port })),
      name: connection.name,
      password: connection.password,
      sentinelPassword: connection.password,
      sentinelRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      failoverDetector: true,
      ...overrides,
    });
  }
  const options: ClusterOptions = {
    redisOptions: { ...NODE_DEFAULTS, password: connection.password, ...overrides },
    clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    slotsRefreshTimeout: 2_000,
  };
  return new Cluster(
    connection.clusterNodes.map(({ host, port }) => ({ host, port })),
    options,
  );
}

/** `host:port,host:port` as endpoints; throws on anything else (the message quotes no value). */
export function parseEndpoints(list: string): RedisEndpoint[] {
  const endpoints = list
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(part);
      const port = match ? Number(match[2]) : 0;
      if (!match || port < 1 || port > 65535) throw new Error('must be host:port entries separated by commas');
      return { host: match[1].replace(/^\[|\]$/g, ''), port };
    });
  if (endpoints.length === 0) throw new Error('must name at least one host:port');
  return endpoints;
}
