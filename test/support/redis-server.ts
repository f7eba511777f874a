import { RedisTokenStore } from 'nestjs-token-broker/redis';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';

/** The shared Redis of the test run (`REDIS_URL`, default the local one). */
export function sharedRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A key prefix no other test run uses, e.g. `test:3f9a…:`. */
/** One spec's corner of the shared Redis: its own prefix, a raw client to inspect it, stores on it. */
export interface RedisCorner {
  readonly prefix: string;
  /** A plain client, for scans and checks. */
  readonly raw: Redis;
  /** A new store (own client) on this corner. */
  store(): RedisTokenStore;
  /** Deletes every key of the corner and closes the raw client. */
  clear(): Promise<void>;
}

/** Claims a corner of the Redis at REDIS_URL for one spec; call `clear()` in afterAll. */
export function redisCorner(label: string): RedisCorner {
  const prefix = uniquePrefix(label);
  let raw: Redis | undefined;
  return {
    prefix,
    get raw() {
      return (raw ??= new Redis(sharedRedisUrl(), { maxRetriesPerRequest: 1 }));
    },
    store: () => RedisTokenStore.fromUrl(sharedRedisUrl(), { prefix }),
    clear: async () => {
      if (!raw) return;
      await deleteKeys(raw, prefix);
      await raw.quit();
    },
  };
}

export function uniquePrefix(label = 'test'): string {
  return `${label}:${randomBytes(6).toString('hex')}:`;
}

/** Every key under `prefix` (SCAN MATCH, never KEYS). */
export async function scanKeys(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return [...new Set(keys)];
}

/** Deletes every key under `prefix`; answers how many were deleted. */
export async function deleteKeys(client: Redis, prefix: string): Promise<number> {
  const keys = await scanKeys(client, prefix);
  let deleted = 0;
  for (let i = 0; i < keys.length; i += 500) deleted += await client.del(...keys.slice(i, i + 500));
  return deleted;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** How to start a private server: a plain one by default. */
export interface PrivateRedisOptions {
  port?: number;
  timeoutMs?: number;
  /** More `redis-server` arguments (`--replicaof`, `--cluster-enabled yes`, ...). */
  args?: string[];
  /** Run as a Sentinel with this configuration (written to a file of its own: Sentinel rewrites it). */
  sentinelConfig?: string;
  /** TLS only on `port` (no plain port): the `--tls-*` arguments, and the CA to check its certificate with. */
  tls?: { args: string[]; ca: Buffer };
}

/** A private `redis-server` a test started. */
export interface PrivateRedis {
  readonly port: number;
  /** e.g. `redis://127.0.0.1:40123` */
  readonly url: string;
  readonly pid: number;
  /** True while the process runs. */
  readonly alive: boolean;
  /** SIGKILL (an outage: no goodbye to clients); resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after a moment; resolves once the process is gone. */
  stop(): Promise<void>;
  /** SIGSTOP: the server hangs with its connections open (a black-holed Redis); {@link resume} undoes it. */
  pause(): void;
  /** SIGCONT after {@link pause}. */
  resume(): void;
}

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? 'redis-server';
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throw-away `redis-server` (no persistence, loopback only) on `port`
 * (default: a free one) and resolves once it answers PING; rejects after
 * `timeoutMs` and kills what it started. Every server is also killed when the
 * test process exits, so a failed test leaves none behind.
 */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = options.port ?? (await freePort());
  const timeoutMs = options.timeoutMs ?? 5_000;
  const dir = mkdtempSync(join(tmpdir(), 'private-redis-'));
  const config = options.sentinelConfig === undefined ? [] : [writeConfig(dir, options.sentinelConfig), '--sentinel'];
  const persistence = options.sentinelConfig === undefined ? ['--save', '', '--appendonly', 'no'] : [];
  const listen = options.tls ? ['--port', '0', '--tls-port', String(port), ...options.tls.args] : ['--port', String(port)];
  const child = spawn(
    REDIS_SERVER,
    [...config, ...listen, '--bind', '127.0.0.1', ...persistence, '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning', ...(options.args ?? [])],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString('utf8')).slice(-2_000)));
  running.add(child);
  installExitHook();
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
  void exited.then(() => {
    running.delete(child);
    rmSync(dir, { recursive: true, force: true });
  });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);

  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const gone = await Promise.race([exited.then(() => true), delay(3_000, true).then(() => false)]);
    if (!gone) {
      child.kill('SIGKILL');
      await Promise.race([exited, delay(3_000, true)]);
    }
  };

  try {
    const answered = options.tls ? waitForTlsPing(port, options.tls.ca, timeoutMs) : waitForPing(port, timeoutMs);
    await Promise.race([answered, spawnError, exited.then(() => Promise.reject(new Error(`redis-server exited: ${stderr.trim()}`)))]);
  } catch (error) {
    await terminate('SIGKILL');
    throw error;
  }
  return {
    port,
    url: `${options.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    pid: child.pid!,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    kill: () => terminate('SIGKILL'),
    stop: () => terminate('SIGTERM'),
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}

/** Kills every private server still running (for afterAll, whatever happened). */
export async function killAllPrivateRedis(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
          setTimeout(resolve, 3_000).unref();
        }),
    ),
  );
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** Resolves once something on `port` answers `+PONG`; rejects after `timeoutMs`. */
export async function waitForPing(port: number, timeoutMs = 5_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    if (await pingOnce(port, 500)) return;
    if (Date.now() > giveUpAt) throw new Error(`redis on port ${port} did not answer PING within ${timeoutMs} ms`);
    await delay(50);
  }
}

/** {@link waitForPing} over TLS, checking the server's certificate against `ca`. */
export async function waitForTlsPing(port: number, ca: Buffer, timeoutMs = 5_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    if (await pingOnce(port, 500, ca)) return;
    if (Date.now() > giveUpAt) throw new Error(`TLS redis on port ${port} did not answer PING within ${timeoutMs} ms`);
    await delay(50);
  }
}

function writeConfig(dir: string, text: string): string {
  const path = join(dir, 'sentinel.conf');
  writeFileSync(path, text);
  return path;
}

function pingOnce(port: number, timeoutMs: number, ca?: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = ca ? tlsConnect({ port, host: '127.0.0.1', ca }) : createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('error', () => done(false));
    socket.once(ca ? 'secureConnect' : 'connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      // A server with a password answers -NOAUTH: it is up all the same.
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
  });
}

/** Resolves after `ms`; an `unref`ed one (a bound on a race) keeps no process alive. */
function delay(ms: number, unref = false): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (unref) timer.unref();
  });
}
