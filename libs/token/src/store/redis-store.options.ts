/** Options of {@link RedisTokenStore}. */
export interface RedisTokenStoreOptions {
  /** Prepended to every key, so several apps or test runs share one Redis. Default `token:`. */
  prefix?: string;
  /** Close the client with the store (true when the store made it). */
  ownsClient?: boolean;
  /**
   * Longest any one operation may take, whatever the client's own settings
   * (a client given without `commandTimeout` could otherwise queue a command
   * for minutes while Redis is away). Default 2000 ms.
   */
  operationTimeoutMs?: number;
  /**
   * After an operation got no answer in time, further operations fail at once
   * for this long, then one probes while the others keep failing fast, so a
   * hung Redis (partition, stuck failover) costs one timeout, not one per
   * request. Default 1000 ms.
   */
  cooldownMs?: number;
}
