import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  deleteKeys,
  freePort,
  killAllPrivateRedis,
  scanKeys,
  sharedRedisUrl,
  startPrivateRedis,
  uniquePrefix,
} from '../../../../test/support/redis-server';
import { RedisTokenStore } from './redis.store';

/** Against the real Redis at REDIS_URL, under a prefix of this run only. */
describe('RedisTokenStore (real Redis)', () => {
  const url = sharedRedisUrl();
  const prefix = uniquePrefix('test:store');
  let raw: Redis;
  let client: Redis;
  let store: RedisTokenStore;

  beforeAll(async () => {
    Logger.overrideLogger(false); // the store's outage lines are not what this file checks
    raw = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    client = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    await Promise.all([raw.ping(), client.ping()]);
    store = new RedisTokenStore(client, { prefix });
  });

  afterAll(async () => {
    await deleteKeys(raw, prefix);
    expect(await scanKeys(raw, prefix)).toEqual([]);
    await Promise.all([raw.quit(), client.quit().catch(() => undefined)]);
  });

  const k = (name: string) => `${name}:${Math.random().toString(36).slice(2)}`;

  describe('get / set', () => {
    it('answers undefined for a missing key', async () => {
      expect(await store.get(k('missing'))).toBeUndefined();
    });

    it('writes under the prefix with the TTL applied (PX)', async () => {
      const key = k('grant');
      await store.set(key, 'sealed-value', 30_000);
      expect(await store.get(key)).toBe('sealed-value');
      expect(await raw.get(prefix + key)).toBe('sealed-value');
      expect(await raw.get(key)).toBeNull();
      const ttl = await raw.pttl(prefix + key);
      expect(ttl).toBeGreaterThan(25_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
    });

    it('overwrites and resets the TTL', async () => {
      const key = k('grant');
      await store.set(key, 'one', 60_000);
      await store.set(key, 'two', 5_000);
      expect(await store.get(key)).toBe('two');
      expect(await raw.pttl(prefix + key)).toBeLessThanOrEqual(5_000);
    });

    it('lets a value expire', async () => {
      const key = k('short');
      await store.set(key, 'v', 40);
      await sleep(120);
      expect(await store.get(key)).toBeUndefined();
    });

    it('round-trips any string (unicode, dots, long)', async () => {
      const key = k('odd');
      const value = `ü.€.${'x'.repeat(20_000)}.\n"quoted"`;
      await store.set(key, value, 10_000);
      expect(await store.get(key)).toBe(value);
    });

    it('takes a fractional or zero TTL as at least 1 ms instead of failing', async () => {
      await expect(store.set(k('tiny'), 'v', 0.2)).resolves.toBeUndefined();
      await expect(store.set(k('zero'), 'v', 0)).resolves.toBeUndefined();
      await expect(store.add(k('zero'), 'v', 0)).resolves.toBe(true);
    });

    it('refuses a TTL that is not a finite number rather than writing a key that never expires', async () => {
      await expect(store.set(k('nan'), 'v', Number.NaN)).rejects.toThrow();
      await expect(store.set(k('inf'), 'v', Number.POSITIVE_INFINITY)).rejects.toThrow();
    });
  });

  describe('add (SET NX PX)', () => {
    it('writes only when the key is absent', async () => {
      const key = k('lock');
      expect(await store.add(key, 'owner-a', 10_000)).toBe(true);
      expect(await store.add(key, 'owner-b', 10_000)).toBe(false);
      expect(await store.get(key)).toBe('owner-a');
      const ttl = await raw.pttl(prefix + key);
      expect(ttl).toBeGreaterThan(5_000);
      expect(ttl).toBeLessThanOrEqual(10_000);
    });

    it('writes again once the first value expired', async () => {
      const key = k('lock');
      expect(await store.add(key, 'a', 40)).toBe(true);
      await sleep(120);
      expect(await store.add(key, 'b', 10_000)).toBe(true);
      expect(await store.get(key)).toBe('b');
    });

    it('lets exactly one of many concurrent callers win', async () => {
      const key = k('race');
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.add(key, `owner-${i}`, 10_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('delete / deleteIf', () => {
    it('delete removes the key', async () => {
      const key = k('gone');
      await store.set(key, 'v', 10_000);
      await store.delete(key);
      expect(await store.get(key)).toBeUndefined();
      expect(await raw.exists(prefix + key)).toBe(0);
    });

    it('delete of a missing key is fine', async () => {
      await expect(store.delete(k('never'))).resolves.toBeUndefined();
    });

    it('deleteIf removes only while the key holds the value (compare-and-delete)', async () => {
      const key = k('lock');
      await store.set(key, 'mine', 10_000);
      expect(await store.deleteIf(key, 'theirs')).toBe(false);
      expect(await store.get(key)).toBe('mine');
      expect(await store.deleteIf(key, 'mine')).toBe(true);
      expect(await store.get(key)).toBeUndefined();
      expect(await store.deleteIf(key, 'mine')).toBe(false);
    });
  });

  describe('swap (compare-and-set, one script)', () => {
    it('writes only while the key holds the expected value, with the new TTL', async () => {
      await store.set('sw', 'a', 60_000);
      expect(await store.swap('sw', 'x', 'b', 5_000)).toBe(false);
      expect(await store.get('sw')).toBe('a');
      expect(await store.swap('sw', 'a', 'b', 5_000)).toBe(true);
      expect(await store.get('sw')).toBe('b');
      expect(await raw.pttl(`${prefix}sw`)).toBeLessThanOrEqual(5_000);
      expect(await store.swap('sw-absent', 'a', 'b', 5_000)).toBe(false);
    });

    it('lets exactly one of many concurrent swaps from one value win', async () => {
      await store.set('sw2', 'v0', 60_000);
      const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => store.swap('sw2', 'v0', `v${i + 1}`, 60_000)));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('extendIf', () => {
    it('extends the TTL only while the key holds the value', async () => {
      const key = k('lock');
      await store.set(key, 'mine', 1_000);
      expect(await store.extendIf(key, 'theirs', 60_000)).toBe(false);
      expect(await raw.pttl(prefix + key)).toBeLessThanOrEqual(1_000);
      expect(await store.extendIf(key, 'mine', 60_000)).toBe(true);
      expect(await raw.pttl(prefix + key)).toBeGreaterThan(50_000);
      expect(await store.get(key)).toBe('mine');
    });

    it('answers false for a missing key and creates nothing', async () => {
      const key = k('nothing');
      expect(await store.extendIf(key, 'v', 10_000)).toBe(false);
      expect(await raw.exists(prefix + key)).toBe(0);
    });
  });

  describe('increment (fixed window)', () => {
    it('starts a window with the first hit and keeps it for later hits', async () => {
      const key = k('rate');
      const first = await store.increment(key, 60_000);
      expect(first.hits).toBe(1);
      expect(first.ttlMs).toBeGreaterThan(55_000);
      expect(first.ttlMs).toBeLessThanOrEqual(60_000);
      await sleep(30);
      const second = await store.increment(key, 60_000);
      expect(second.hits).toBe(2);
      // The window is not restarted by later hits.
      expect(second.ttlMs).toBeLessThan(first.ttlMs);
      expect(await raw.get(prefix + key)).toBe('2');
    });

    it('starts over once the window has passed', async () => {
      const key = k('rate');
      await store.increment(key, 50);
      await store.increment(key, 50);
      await sleep(120);
      expect((await store.increment(key, 50)).hits).toBe(1);
    });

    it('gives a counter without a TTL one, so it never counts forever', async () => {
      const key = k('rate');
      await raw.set(prefix + key, '7');
      const counted = await store.increment(key, 30_000);
      expect(counted.hits).toBe(8);
      expect(counted.ttlMs).toBe(30_000);
      expect(await raw.pttl(prefix + key)).toBeGreaterThan(0);
    });

    it('counts concurrent hits exactly', async () => {
      const key = k('rate');
      const results = await Promise.all(Array.from({ length: 100 }, () => store.increment(key, 60_000)));
      expect(results.map((r) => r.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    });
  });

  describe('enlist (capped list, newest last)', () => {
    it('adds, moves a member to the newest end, drops the oldest beyond max, sets the TTL', async () => {
      const key = k('chains');
      for (const m of ['a', 'b', 'c']) expect(await store.enlist(key, m, 3, 60_000)).toEqual([]);
      expect(await store.enlist(key, 'a', 3, 60_000)).toEqual([]); // moved, not added
      expect(await raw.lrange(prefix + key, 0, -1)).toEqual(['b', 'c', 'a']);
      expect(await store.enlist(key, 'd', 3, 30_000)).toEqual(['b']);
      expect(await raw.lrange(prefix + key, 0, -1)).toEqual(['c', 'a', 'd']);
      const left = await raw.pttl(prefix + key);
      expect(left).toBeGreaterThan(29_000);
      expect(left).toBeLessThanOrEqual(30_000);
    });

    it('keeps exactly max members under concurrent adds, dropping each extra once', async () => {
      const key = k('chains');
      const dropped = (await Promise.all(Array.from({ length: 25 }, (_, i) => store.enlist(key, `m${i}`, 10, 60_000)))).flat();
      expect(await raw.llen(prefix + key)).toBe(10);
      expect(new Set(dropped).size).toBe(15);
      expect(dropped).toHaveLength(15);
    });
  });

  describe('prefixes', () => {
    it('keeps stores with different prefixes apart', async () => {
      const other = new RedisTokenStore(client, { prefix: `${prefix}other:` });
      const key = k('shared-name');
      await store.set(key, 'mine', 10_000);
      expect(await other.get(key)).toBeUndefined();
      await other.set(key, 'theirs', 10_000);
      expect(await store.get(key)).toBe('mine');
      expect(await other.deleteIf(key, 'mine')).toBe(false);
    });

    it('defaults to the token: prefix', async () => {
      const plain = new RedisTokenStore(client);
      const key = `${prefix}default-${Math.random().toString(36).slice(2)}`;
      try {
        await plain.set(key, 'v', 5_000);
        expect(await raw.get(`token:${key}`)).toBe('v');
      } finally {
        await raw.del(`token:${key}`);
      }
    });
  });

  describe('close', () => {
    it('leaves a client it was given open', async () => {
      const borrowed = new Redis(url, { maxRetriesPerRequest: 1 });
      try {
        const s = new RedisTokenStore(borrowed, { prefix });
        await s.set(k('c'), 'v', 1_000);
        await s.close();
        expect(await borrowed.ping()).toBe('PONG');
        expect(borrowed.status).toBe('ready');
      } finally {
        await borrowed.quit();
      }
    });

    it('quits a client it owns', async () => {
      const owned = new Redis(url, { maxRetriesPerRequest: 1 });
      const s = new RedisTokenStore(owned, { prefix, ownsClient: true });
      await s.set(k('c'), 'v', 1_000);
      await s.close();
      expect(owned.status).toBe('end');
    });

    it('fromUrl owns its client and quits it on close', async () => {
      const s = RedisTokenStore.fromUrl(url, { prefix });
      const key = k('from-url');
      await s.set(key, 'v', 5_000);
      expect(await raw.get(prefix + key)).toBe('v');
      await s.close();
      await expect(s.get(key)).rejects.toThrow();
    });

    it('closing twice is fine', async () => {
      const s = RedisTokenStore.fromUrl(url, { prefix });
      await s.get(k('x'));
      await s.close();
      await expect(s.close()).resolves.toBeUndefined();
    });
  });

  describe('when Redis cannot be reached', () => {
    it('fromUrl: operations fail within a couple of seconds instead of hanging', async () => {
      const port = await freePort(); // nobody listens there
      const s = RedisTokenStore.fromUrl(`redis://127.0.0.1:${port}`, { prefix });
      try {
        const started = Date.now();
        const results = await Promise.allSettled([s.get('a'), s.set('b', 'v', 1_000), s.add('c', 'v', 1_000), s.increment('d', 1_000)]);
        expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
        expect(Date.now() - started).toBeLessThan(3_000);
      } finally {
        await s.close();
      }
    });

    it('fails fast while reconnecting, so callers with a fallback (rate limits) do not wait each time', async () => {
      const port = await freePort();
      const s = RedisTokenStore.fromUrl(`redis://127.0.0.1:${port}`, { prefix });
      try {
        await s.get('warm-up').catch(() => undefined); // the first attempt has failed: the client now reconnects
        const timings: number[] = [];
        for (let i = 0; i < 5; i++) {
          const started = Date.now();
          await expect(s.increment('rate', 1_000)).rejects.toThrow();
          timings.push(Date.now() - started);
        }
        expect(Math.max(...timings)).toBeLessThan(250);
      } finally {
        await s.close();
      }
    });

    it('bounds every operation even on a client given without a command timeout', async () => {
      const port = await freePort();
      // ioredis defaults: 20 retries per request, no command timeout: a command could wait minutes.
      const bare = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: false });
      bare.on('error', () => undefined);
      const s = new RedisTokenStore(bare, { prefix });
      try {
        const started = Date.now();
        await expect(s.get('a')).rejects.toThrow();
        expect(Date.now() - started).toBeLessThan(3_000);
      } finally {
        bare.disconnect();
      }
    });
  });

  describe('when Redis hangs (a private redis-server, SIGSTOPped)', () => {
    afterAll(() => killAllPrivateRedis());

    it('one operation waits for the timeout, the next fail at once, one probes after the cool-down, and all is well once Redis answers', async () => {
      const server = await startPrivateRedis();
      const s = RedisTokenStore.fromUrl(server.url, { prefix, operationTimeoutMs: 300, cooldownMs: 400, redis: { commandTimeout: 5_000 } });
      try {
        await s.set('k', 'v', 60_000);
        server.pause();
        let started = Date.now();
        await expect(s.get('k')).rejects.toThrow('did not answer');
        expect(Date.now() - started).toBeGreaterThanOrEqual(250);

        started = Date.now();
        const fast = await Promise.allSettled(Array.from({ length: 20 }, () => s.increment('rate', 60_000)));
        expect(fast.every((r) => r.status === 'rejected')).toBe(true);
        expect(Date.now() - started).toBeLessThan(100);

        await sleep(450); // cool-down over: the next operation probes, and the others still fail at once meanwhile
        started = Date.now();
        const probe = s.get('k');
        await expect(s.get('k')).rejects.toThrow('not answering');
        expect(Date.now() - started).toBeLessThan(100);
        await expect(probe).rejects.toThrow('did not answer');

        server.resume();
        await sleep(450);
        expect(await s.get('k')).toBe('v');
        expect((await s.increment('rate', 60_000)).hits).toBe(1);
        expect(await s.get('k')).toBe('v');
      } finally {
        server.resume();
        await s.close();
        await server.kill();
      }
    });

    it('an error reply is an answer: it neither suspends the store nor counts as an outage', async () => {
      const key = k('not-a-number');
      await store.set(key, 'abc', 10_000);
      await expect(store.increment(key, 10_000)).rejects.toThrow(/not an integer/);
      expect(await store.get(key)).toBe('abc');
    });
  });
});
