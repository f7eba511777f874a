// Compiled into each consumer app (as src/entries.ts): a type from every server entry of the
// package, so each entry's types must resolve under every module resolution the app is checked with.
// (The ESM apps also import the browser entry, an ES module: see BROWSER_ENTRY in apps.ts.)
import type { TokenService } from 'nestjs-token-broker';
import type { TokenStoreHealthIndicator } from 'nestjs-token-broker/health';
import type { RedisTokenStore } from 'nestjs-token-broker/redis';
import type { FakeClock } from 'nestjs-token-broker/testing';

export type Entries = [TokenService, TokenStoreHealthIndicator, RedisTokenStore, FakeClock];
